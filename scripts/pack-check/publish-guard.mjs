// Proves both publish paths against a registry on loopback that keeps what it
// is sent: `npm publish` is refused before anything is sent, `pnpm publish`
// sends a manifest and a tarball with real version ranges.
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { attempt, clientEnv } from './commands.mjs';
import { unpack } from './tarball.mjs';

function startRegistry() {
  const requests = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, body: Buffer.concat(chunks) });
      const published = req.method === 'PUT';
      res.writeHead(published ? 200 : 404, { 'content-type': 'application/json' });
      res.end(published ? '{"ok":true}' : '{"error":"not_found"}');
    });
  });
  server.listen(0, '127.0.0.1');
  return once(server, 'listening').then(() => ({
    url: `http://127.0.0.1:${server.address().port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  }));
}

/** Problems of the publish paths, proven on the first package with a `workspace:` dependency. */
export async function checkPublishGuard(packages, work) {
  const pkg = packages.find((candidate) =>
    Object.values(candidate.manifest.dependencies ?? {}).some((range) =>
      String(range).startsWith('workspace:'),
    ),
  );
  if (pkg === undefined) return ['no published package has a workspace: dependency to prove it on'];
  const registry = await startRegistry();
  const dir = join(work, 'publish');
  mkdirSync(dir, { recursive: true });
  const userconfig = join(dir, 'npmrc');
  const host = registry.url.replace(/^http:/, '');
  writeFileSync(
    userconfig,
    `registry=${registry.url}\n@zrm:registry=${registry.url}\n${host}:_authToken=pack-check\n`,
  );
  const env = clientEnv({
    npm_config_userconfig: userconfig,
    npm_config_registry: registry.url,
    'npm_config_@zrm:registry': registry.url,
  });
  const problems = [];
  try {
    // plain, and from inside a pnpm script (npm then inherits pnpm's user agent)
    const inPnpmScript = { ...env, npm_config_user_agent: 'pnpm/10.0.0 npm/? node/v20.0.0' };
    for (const [how, npmEnv] of [
      ['', env],
      [' from a pnpm script', inPnpmScript],
    ]) {
      const npm = await attempt('npm', ['publish', '--registry', registry.url], {
        cwd: pkg.path,
        env: npmEnv,
      });
      if (npm.code === 0)
        problems.push(`npm publish${how} of ${pkg.manifest.name} was not refused`);
      else if (!npm.stderr.includes('refusing to pack'))
        problems.push(`npm publish${how} of ${pkg.manifest.name} failed, but not by the guard`);
    }
    if (registry.requests.some((request) => request.method === 'PUT'))
      problems.push('npm publish sent a package to the registry');

    const pnpm = await attempt('pnpm', ['publish', '--no-git-checks', '--registry', registry.url], {
      cwd: pkg.path,
      env,
    });
    if (pnpm.code !== 0) problems.push(`pnpm publish of ${pkg.manifest.name} failed`);
    const put = registry.requests.find((request) => request.method === 'PUT');
    if (put === undefined) problems.push('pnpm publish sent no package to the registry');
    else problems.push(...publishedDocumentProblems(put.body, pkg, packages, dir));
  } finally {
    await registry.close();
  }
  return problems;
}

function publishedDocumentProblems(body, pkg, packages, dir) {
  const document = JSON.parse(body.toString('utf8'));
  const version = document.versions?.[pkg.manifest.version];
  const attachment = Object.values(document._attachments ?? {})[0];
  if (version === undefined || attachment === undefined)
    return ['the published document holds no version or no tarball'];
  const problems = [];
  if (JSON.stringify(version).includes('workspace:'))
    problems.push('the published version document holds "workspace:"');
  for (const [name, range] of Object.entries(pkg.manifest.dependencies ?? {})) {
    const sibling = packages.find((candidate) => candidate.manifest.name === name);
    if (String(range).startsWith('workspace:') && sibling !== undefined)
      if (!String(version.dependencies?.[name]).includes(sibling.manifest.version))
        problems.push(`the published range of ${name} does not name its version`);
  }
  const tarball = join(dir, 'published.tgz');
  writeFileSync(tarball, Buffer.from(attachment.data, 'base64'));
  const packed = readFileSync(
    join(unpack(tarball, join(dir, 'published')), 'package.json'),
    'utf8',
  );
  if (packed.includes('workspace:')) problems.push('the published tarball holds "workspace:"');
  return problems;
}
