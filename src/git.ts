export interface GitResult {
  ran: boolean;
  committed: boolean;
  note: string;
}

/** Who makes the first commit when git knows nobody; only for that one commit, nothing is configured. */
const FALLBACK_IDENTITY = {
  GIT_AUTHOR_NAME: 'create-mcp-prod',
  GIT_AUTHOR_EMAIL: 'create-mcp-prod@localhost',
  GIT_COMMITTER_NAME: 'create-mcp-prod',
  GIT_COMMITTER_EMAIL: 'create-mcp-prod@localhost',
};

/**
 * `git init` plus a first commit, unless the project is already inside a work tree. The commit holds only `paths`
 * (what we generated, and the lockfile), never a file that was in the directory before us, and nothing .gitignore
 * excludes. A git without a user identity still gets its first commit, made as create-mcp-prod and said so. A
 * missing git, or a failing one, never fails the run: it is reported and left to the user.
 */
export async function initGit(root: string, message: string, paths: readonly string[]): Promise<GitResult> {
  const { execa } = await import('execa');
  const git = (args: string[], env?: Record<string, string>) =>
    execa('git', args, { cwd: root, reject: false, stdin: 'ignore', env });
  const inside = await git(['rev-parse', '--is-inside-work-tree']);
  if (inside.code === 'ENOENT' || (inside.failed && inside.exitCode === undefined)) {
    return { ran: false, committed: false, note: 'git was not found; no repository was made' };
  }
  if (inside.exitCode === 0 && inside.stdout.trim() === 'true') {
    return { ran: false, committed: false, note: 'already inside a git work tree; left it alone' };
  }
  const init = await git(['init', '--quiet']);
  if (init.exitCode !== 0) return { ran: false, committed: false, note: `git init failed: ${init.stderr.trim()}` };
  // Naming an ignored path (.env) makes `git add` fail: keep the untracked files git would take, among ours.
  const ours = new Set(paths);
  const untracked = await git(['ls-files', '--others', '--exclude-standard', '-z']);
  const files = untracked.stdout.split('\0').filter((f) => ours.has(f));
  if (files.length > 0) await git(['add', '--', ...files]);
  const known = await Promise.all(['GIT_AUTHOR_IDENT', 'GIT_COMMITTER_IDENT'].map((v) => git(['var', v])));
  const anonymous = known.some((r) => r.exitCode !== 0);
  const commit = await git(['commit', '--quiet', '--no-verify', '-m', message], anonymous ? FALLBACK_IDENTITY : {});
  if (commit.exitCode !== 0) {
    return {
      ran: true,
      committed: false,
      note: `initialised a repository; the first commit failed: ${commit.stderr.trim()}`,
    };
  }
  return {
    ran: true,
    committed: true,
    note: anonymous
      ? 'initialised a repository with a first commit by create-mcp-prod, as git has no user.name/user.email ' +
        '(set them, then `git commit --amend --reset-author` to make it yours)'
      : 'initialised a repository with a first commit',
  };
}
