import { render } from 'preact';
import { ConsoleApp } from './app.tsx';

render(<ConsoleApp />, document.getElementById('root') as HTMLElement);
