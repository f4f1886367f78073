import { describe, expect, it } from 'vitest';
import { envStep, mergeEnv, SECRET_PLACEHOLDER } from '../../src/engine/env.js';
import { hash } from '../../src/engine/manifest.js';
import { MARKER, mergeFile, mergeJson, mergeText } from '../../src/engine/merge.js';

// The three-way merge on plain strings: base = the recorded answers' render, theirs = the new render, ours = the disk.
const base = 'import a\n\nfunction one() {}\n\nfunction two() {}\n\nexport {}\n';
const theirs = 'import a\nimport b\n\nfunction one() {}\n\nfunction two() {}\n\nexport {}\n';

describe('mergeText', () => {
  it('combines edits to different lines', () => {
    const ours = base.replace('function two() {}', 'function two() {\n  return 2;\n}');
    const r = mergeText(ours, base, theirs);
    expect(r.conflicts).toBe(0);
    expect(r.content).toBe(
      'import a\nimport b\n\nfunction one() {}\n\nfunction two() {\n  return 2;\n}\n\nexport {}\n',
    );
  });
  it('writes overlapping edits with git markers', () => {
    const ours = base.replace('import a\n', 'import c\n');
    const r = mergeText(ours, base, theirs);
    expect(r.conflicts).toBe(1);
    expect(r.content).toBe(
      `${MARKER.ours}\nimport c\n${MARKER.sep}\nimport a\nimport b\n${MARKER.theirs}\n\nfunction one() {}\n\nfunction two() {}\n\nexport {}\n`,
    );
  });
  it('leaves lines both sides share at the edges of a conflict outside the markers', () => {
    const r = mergeText('# app\n\nMine.\n', '', '# app\n\nOurs.\n');
    expect(r).toEqual({
      content: `# app\n\n${MARKER.ours}\nMine.\n${MARKER.sep}\nOurs.\n${MARKER.theirs}\n`,
      conflicts: 1,
    });
    const s = mergeText('a\nmine\nz\n', 'a\nbase\nz\n', 'a\nours\nz\n');
    expect(s.content).toBe(`a\n${MARKER.ours}\nmine\n${MARKER.sep}\nours\n${MARKER.theirs}\nz\n`);
    const t = mergeText('x\nsame end\n', '', 'y\nsame end\n');
    expect(t.content).toBe(`${MARKER.ours}\nx\n${MARKER.sep}\ny\n${MARKER.theirs}\nsame end\n`);
  });
  it('takes the same change made on both sides once', () => {
    expect(mergeText(theirs, base, theirs)).toEqual({ content: theirs, conflicts: 0 });
  });
  it('keeps a missing final newline and never glues a marker to a line', () => {
    expect(mergeText('a\nb', 'a\nb', 'z\na\nb').content).toBe('z\na\nb');
    const r = mergeText('x', 'a', 'y');
    expect(r.content).toBe(`${MARKER.ours}\nx\n${MARKER.sep}\ny\n${MARKER.theirs}\n`);
  });
});

describe('mergeJson (package.json by key)', () => {
  const pkg = (o: object) => `${JSON.stringify(o, null, 2)}\n`;
  const b = { name: 'app', scripts: { build: 'tsc', test: 'vitest run' }, dependencies: { zod: '^4.2.0' } };
  const t = {
    name: 'app',
    scripts: { build: 'tsc', test: 'vitest run', inspect: 'x' },
    dependencies: { 'lru-cache': '^11.0.0', zod: '^4.2.0' },
  };

  it('adds new dependencies and scripts, keeps a changed range and an extra script', () => {
    const o = {
      name: 'app',
      scripts: { build: 'tsc', test: 'vitest run', mine: 'echo hi' },
      dependencies: { zod: '^4.3.0' },
    };
    const r = mergeJson(pkg(o), pkg(b), pkg(t))!;
    expect(JSON.parse(r.content)).toEqual({
      name: 'app',
      scripts: { build: 'tsc', test: 'vitest run', mine: 'echo hi', inspect: 'x' },
      dependencies: { 'lru-cache': '^11.0.0', zod: '^4.3.0' },
    });
    // New keys land after the key they follow in theirs: dependencies stay sorted.
    expect(Object.keys(JSON.parse(r.content).dependencies)).toEqual(['lru-cache', 'zod']);
    expect(r.keptYours).toEqual([]);
  });
  it('keeps the user value when both changed the same key, and says so', () => {
    const o = { ...b, scripts: { ...b.scripts, test: 'vitest run --coverage' } };
    const t2 = { ...b, scripts: { ...b.scripts, test: 'vitest run --reporter dot' } };
    const r = mergeJson(pkg(o), pkg(b), pkg(t2))!;
    expect(JSON.parse(r.content).scripts.test).toBe('vitest run --coverage');
    expect(r.keptYours).toEqual(['scripts.test']);
  });
  it('leaves a key the user removed removed', () => {
    const o = { name: 'app', scripts: { build: 'tsc' }, dependencies: { zod: '^4.2.0' } };
    expect(JSON.parse(mergeJson(pkg(o), pkg(b), pkg(t))!.content).scripts).toEqual({ build: 'tsc', inspect: 'x' });
  });
  it('keeps the user indentation; invalid JSON is left to the text merge', () => {
    const o = `${JSON.stringify({ ...b, private: true }, null, 4)}\n`;
    expect(mergeJson(o, pkg(b), pkg(t))!.content).toMatch(/^ {4}"name"/m);
    expect(mergeJson('{ nope', pkg(b), pkg(t))).toBeUndefined();
  });
});

describe('mergeFile', () => {
  const f = (over: Partial<Parameters<typeof mergeFile>[0]>) => mergeFile({ path: 'src/x.ts', base, theirs, ...over });

  it('replaces a file the user never touched', () => {
    expect(f({ ours: base })).toMatchObject({ action: 'update', content: theirs });
  });
  it('recognises an untouched file by its recorded hash even when the templates moved on', () => {
    const generated = 'older template output\n';
    expect(f({ ours: generated, recorded: hash(generated) })).toMatchObject({ action: 'update', content: theirs });
  });
  it('keeps a file only the user changed', () => {
    expect(f({ ours: `${base}// mine\n`, theirs: base })).toMatchObject({
      action: 'keep',
      content: `${base}// mine\n`,
    });
  });
  it('merges a file both changed', () => {
    const ours = `${base}// mine\n`;
    expect(f({ ours })).toMatchObject({ action: 'merge', content: `${theirs}// mine\n` });
  });
  it('reports a conflict with the marked content', () => {
    const e = f({ ours: base.replace('import a', 'import z') })!;
    expect(e.action).toBe('conflict');
    expect(e.content).toContain(MARKER.ours);
  });
  it('reports unchanged when the disk already equals the new render', () => {
    expect(f({ ours: theirs })).toMatchObject({ action: 'unchanged' });
  });
  it('leaves a deleted file deleted, saying so, even when the new features change it', () => {
    expect(f({ ours: undefined, theirs: base })).toMatchObject({
      action: 'keep',
      note: 'deleted by you; stays deleted',
    });
    expect(f({ ours: undefined })).toMatchObject({
      action: 'keep',
      note: 'deleted by you; stays deleted (the new features change it; not applied)',
    });
    expect(f({ ours: undefined, base: undefined })).toMatchObject({ action: 'create', content: theirs });
  });
  it('names what changed the render in its notes: the new features for add, the new templates for upgrade', () => {
    const cases = [
      { ours: `${base}// mine\n`, theirs: base, note: 'edited by you; X do not change it' },
      { ours: undefined, note: 'deleted by you; stays deleted (X change it; not applied)' },
      { ours: base.replace('import a', 'import z'), note: '1 conflict: you and X changed the same lines' },
    ];
    for (const { note, ...over } of cases) {
      expect(f(over).note).toBe(note.replace('X', 'the new features'));
      expect(f({ ...over, cause: 'features' }).note).toBe(note.replace('X', 'the new features'));
      expect(f({ ...over, cause: 'templates' }).note).toBe(note.replace('X', 'the new templates'));
    }
  });
  it('treats a user file where a new feature writes one as a conflict', () => {
    expect(f({ base: undefined, ours: 'my own module\n' })).toMatchObject({
      action: 'conflict',
      content: `${MARKER.ours}\nmy own module\n${MARKER.sep}\n${theirs}${MARKER.theirs}\n`,
    });
  });
  it('on a new project, replaces a file of ours only when its hash says nobody edited it', () => {
    const generated = 'what create wrote last time\n';
    expect(f({ base: undefined, ours: generated, recorded: hash(generated) })).toMatchObject({ action: 'update' });
    expect(f({ base: undefined, ours: generated, recorded: hash('something else') })).toMatchObject({
      action: 'conflict',
    });
  });
  it('merges package.json by key, never as text', () => {
    const b = '{\n  "name": "a",\n  "dependencies": {\n    "zod": "^4.2.0"\n  }\n}\n';
    const t = '{\n  "name": "a",\n  "dependencies": {\n    "pino": "^9.0.0",\n    "zod": "^4.2.0"\n  }\n}\n';
    const o = '{\n  "name": "a",\n  "dependencies": {\n    "zod": "^4.4.0"\n  }\n}\n';
    expect(mergeFile({ path: 'package.json', base: b, theirs: t, ours: o })).toMatchObject({
      action: 'merge',
      content: '{\n  "name": "a",\n  "dependencies": {\n    "pino": "^9.0.0",\n    "zod": "^4.4.0"\n  }\n}\n',
    });
  });
});

describe('package.json of the user where a project is created (no base)', () => {
  it('merges by key: our dependencies and scripts come in, every key of the user stays, the user wins on a clash', () => {
    const ours = '{\n  "name": "mine",\n  "scripts": {\n    "build": "make"\n  }\n}\n';
    const theirs =
      '{\n  "name": "app",\n  "scripts": {\n    "build": "tsc",\n    "dev": "tsx watch"\n  },\n  "dependencies": {\n    "zod": "^4.6.7"\n  }\n}\n';
    const r = mergeFile({ path: 'package.json', theirs, ours });
    expect(r).toMatchObject({ action: 'merge', note: 'kept your name, scripts.build' });
    expect(JSON.parse(r.content)).toEqual({
      name: 'mine',
      scripts: { build: 'make', dev: 'tsx watch' },
      dependencies: { zod: '^4.6.7' },
    });
  });
});

describe('mergeEnv (append-only)', () => {
  const ex = '# HTTP\nPORT=3000\n\n# Auth\nMCP_API_KEYS=' + SECRET_PLACEHOLDER + '\n';
  const ex2 = ex + '\n# Cache\nCACHE_TTL_MS=60000\nCACHE_SECRET=' + SECRET_PLACEHOLDER + '\n';

  it('inserts the new settings with their comments and a fresh secret, keeping the old secret', () => {
    const ours = ex.replace(SECRET_PLACEHOLDER, 'old-secret');
    const r = mergeEnv(ours, ex, ex2)!;
    expect(r.startsWith(ours)).toBe(true);
    expect(r).toContain('# Cache\nCACHE_TTL_MS=60000\n');
    expect(r).toMatch(/CACHE_SECRET=[\w-]{43}\n$/);
    expect(r).not.toContain(SECRET_PLACEHOLDER);
  });
  it('never changes or removes a line the user has; a removed key stays removed', () => {
    const ours = 'PORT=4000\n';
    const r = mergeEnv(ours, ex, ex2)!;
    expect(r.startsWith('PORT=4000\n')).toBe(true);
    expect(r).not.toContain('MCP_API_KEYS');
    expect(r).toContain('CACHE_TTL_MS=60000');
  });
  it('changes nothing when the new render adds no setting', () => {
    expect(mergeEnv('PORT=1\n', ex, ex)).toBeUndefined();
  });
});

describe('envStep', () => {
  const ex = `PORT=3000\nMCP_API_KEYS=${SECRET_PLACEHOLDER}\n`;
  const ex2 = `${ex}CACHE_TTL_MS=60000\n`;

  it('a new project gets a .env from the example, with a fresh secret', () => {
    const step = envStep(undefined, undefined, ex, true)!;
    expect(step.action).toBe('create');
    expect(step.content).toMatch(/^PORT=3000\nMCP_API_KEYS=[\w-]{43}\n$/);
  });
  it('a new project keeps the .env already there and appends the keys it lacks', () => {
    expect(envStep('PORT=4000\n', undefined, ex, true)).toMatchObject({
      action: 'update',
      content: expect.stringMatching(/^PORT=4000\nMCP_API_KEYS=[\w-]{43}\n$/),
    });
    expect(envStep('PORT=1\nMCP_API_KEYS=k\n', undefined, ex, true)).toMatchObject({ action: 'unchanged' });
  });
  it('a grown project: a removed .env stays removed, and nothing happens when the example did not change', () => {
    expect(envStep(undefined, ex, ex2, false)).toMatchObject({
      action: 'keep',
      note: expect.stringMatching(/no \.env/),
    });
    expect(envStep('PORT=1\n', ex, ex, false)).toBeUndefined();
    expect(envStep('PORT=1\n', ex, ex2, false)).toMatchObject({
      action: 'update',
      content: 'PORT=1\nCACHE_TTL_MS=60000\n',
    });
  });
});
