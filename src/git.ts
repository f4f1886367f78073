export interface GitResult {
  ran: boolean;
  committed: boolean;
  note: string;
}

/**
 * `git init` plus a first commit, unless the project is already inside a work tree. A missing git, or a git without
 * a user identity, never fails the run: it is reported and left to the user (issue 2).
 */
export async function initGit(root: string, message: string): Promise<GitResult> {
  const { execa } = await import('execa');
  const git = (...args: string[]) => execa('git', args, { cwd: root, reject: false, stdin: 'ignore' });
  const inside = await git('rev-parse', '--is-inside-work-tree');
  if (inside.code === 'ENOENT' || (inside.failed && inside.exitCode === undefined)) {
    return { ran: false, committed: false, note: 'git was not found; no repository was made' };
  }
  if (inside.exitCode === 0 && inside.stdout.trim() === 'true') {
    return { ran: false, committed: false, note: 'already inside a git work tree; left it alone' };
  }
  const init = await git('init', '--quiet');
  if (init.exitCode !== 0) return { ran: false, committed: false, note: `git init failed: ${init.stderr.trim()}` };
  await git('add', '--all');
  const ident = await git('var', 'GIT_AUTHOR_IDENT');
  if (ident.exitCode !== 0) {
    return {
      ran: true,
      committed: false,
      note: 'initialised a repository; no commit was made because git has no user.name/user.email',
    };
  }
  const commit = await git('commit', '--quiet', '--no-verify', '-m', message);
  return commit.exitCode === 0
    ? { ran: true, committed: true, note: 'initialised a repository with a first commit' }
    : {
        ran: true,
        committed: false,
        note: `initialised a repository; the first commit failed: ${commit.stderr.trim()}`,
      };
}
