/**
 * The one meaning of --force, in `create` and `add` alike (docs/ARCHITECTURE.md, "Merge rules"). Without it, a run
 * that meets files of the user's in its way writes nothing: `create` stops at a non-empty directory, `add` at a merge
 * conflict. With it, the run goes on, and a file of the user's that differs from ours is written with both versions
 * between git-style conflict markers; the run then exits 1 so that scripts notice. Nothing of the user's is lost.
 * Kept apart so that --help, the question and the hints say the same thing.
 */
export const FORCE_PROMISE =
  'a file of yours that differs from ours gets both versions, between conflict markers; nothing of yours is lost or deleted';

export const FORCE_HELP = `go on where your files are in the way: ${FORCE_PROMISE} (exit 1 until resolved)`;
