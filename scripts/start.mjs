// `npm start` (after the build): the Electron app when its binary is installed, otherwise the same
// console through the loopback web host, with a private local Redis when none is configured.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable, found without loading the `electron` package (which would try to download it). */
export function electronBinary(base = root, env = process.env) {
  const dir = join(base, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative ?? 'electron');
    return existsSync(candidate) ? candidate : null;
  }
  if (!relative) return null;
  const candidate = join(dir, 'dist', relative);
  return existsSync(candidate) ? candidate : null;
}

function appDataDir() {
  if (process.platform === 'darwin')
    return join(homedir(), 'Library', 'Application Support', 'queuescope');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? homedir(), 'queuescope');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'queuescope');
}

function listening(port) {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    const end = (answer) => {
      socket.destroy();
      done(answer);
    };
    socket.setTimeout(500, () => end(false));
    socket.once('connect', () => end(true));
    socket.once('error', () => end(false));
  });
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function startSandbox() {
  const dir = join(appDataDir(), 'local-redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--save',
    '',
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const failed = new Promise((_, fail) => child.once('error', fail));
  failed.catch(() => undefined);
  for (let i = 0; i < 200 && !(await Promise.race([listening(port), failed])); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, dir, child };
}

function runElectron(binary) {
  const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function runWebHost() {
  process.stderr.write(
    'The Electron binary is not installed (node_modules/electron has no downloaded app, which happens when its download is blocked), so Queuescope opens as a web console instead: the same console and operations, served by `queuescope serve` on 127.0.0.1 only and guarded by the token in the URL below. Open that URL in a browser on this machine. To get the desktop app, allow the download and run `npx install-electron` (or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron), then `npm start` again.\n\n',
  );
  const env = { ...process.env };
  let sandbox = null;
  if (!env.REDIS_URL && !(await listening(6379))) {
    try {
      sandbox = await startSandbox();
      env.REDIS_URL = sandbox.url;
      env.QUEUESCOPE_CONNECTION_LABEL = 'local sandbox';
      process.stderr.write(
        `No Redis is configured and nothing answers on 127.0.0.1:6379, so a private local Redis ("local sandbox") runs on ${sandbox.url} with its data in ${sandbox.dir}; it stops with the console.\n`,
      );
    } catch {
      process.stderr.write(
        'No Redis is configured, nothing answers on 127.0.0.1:6379, and redis-server is not on PATH for a local sandbox. Install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`) or set REDIS_URL, then run `npm start` again.\n',
      );
    }
  }
  const host = spawn(process.execPath, [join(root, 'dist-electron', 'cli.mjs'), 'serve'], {
    stdio: 'inherit',
    env,
  });
  const stop = (signal) => host.kill(signal);
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  host.on('exit', (code) => {
    if (!sandbox) process.exit(code ?? 0);
    sandbox.child.once('exit', () => process.exit(code ?? 0));
    sandbox.child.kill('SIGTERM');
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const binary = electronBinary();
  if (binary) runElectron(binary);
  else await runWebHost();
}
