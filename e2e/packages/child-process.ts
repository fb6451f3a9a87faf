import { spawn } from 'node:child_process';

/** What a finished child process exited with and printed. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * This process's environment without npm's `npm_*` variables: npm started by `npm test` hands its
 * configuration to scripts that way, and a child npm would take it as its own.
 *
 * @example
 * spawn('npm', ['pack'], { env: cleanEnv() });
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
}

/**
 * Runs `command` in `cwd` with {@link cleanEnv} and collects its output.
 *
 * @example
 * const { code, stdout } = await run('npm', ['pack'], dir);
 */
export function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
