import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

/** The console's chart palette: calm, and readable on white. */
export const PALETTE = [
  '#1e6fd9',
  '#d93b3b',
  '#2f9e6b',
  '#e0a100',
  '#7a5af8',
  '#0e9aa7',
  '#c2185b',
];

/** One Chart.js chart on a canvas, with a text summary for screen readers. */
export function ChartCanvas(props: {
  config: ChartConfiguration;
  label: string;
  summary: string;
  /** Shown instead of the chart when there is nothing to draw. */
  empty?: string | null;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current || props.empty) return;
    const chart = new Chart(canvas.current, {
      ...props.config,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        ...props.config.options,
      },
    });
    return () => chart.destroy();
  }, [props.config, props.empty]);
  return (
    <figure class="chart">
      <figcaption>{props.label}</figcaption>
      <div class="chart-box">
        {props.empty ? (
          <p class="chart-empty">{props.empty}</p>
        ) : (
          <canvas ref={canvas} role="img" aria-label={`${props.label}: ${props.summary}`} />
        )}
      </div>
    </figure>
  );
}
