// Loaded into the latchkey server by `npm run bench:profile` (node --import): the first SIGUSR2
// starts V8's CPU profiler, the next stops it and writes the profile to
// `$LATCHKEY_PROFILE_DIR/<n>.cpuprofile`, so that a profile covers one measured stage and nothing
// of the start-up.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const session = new Session();
session.connect();
const dir = process.env.LATCHKEY_PROFILE_DIR ?? '.';
let running = false;
let written = 0;

process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 100 }, () =>
        session.post('Profiler.start'),
      ),
    );
    return;
  }
  running = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) throw error;
    writeFileSync(join(dir, `${written++}.cpuprofile`), JSON.stringify(result.profile));
  });
});
