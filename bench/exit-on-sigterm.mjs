// Preloaded by bench/profile.mjs (`node --import`) into servers that do not handle SIGTERM themselves, so
// that they exit normally and `--cpu-prof` writes its profile. Servers with their own handler are unaffected.
process.once('SIGTERM', () => {
  if (process.listenerCount('SIGTERM') === 0) process.exit(0);
});
