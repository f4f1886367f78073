import { defineOption } from '../../src/feature-api.js';

/**
 * Options several features share, declared once: each feature that uses one names it in its `options`
 * (docs/ARCHITECTURE.md, "Feature modules").
 */

/** Where stateful features keep their state: one process, or Redis shared by every replica. */
export const store = defineOption({
  id: 'store',
  what: 'store',
  placeholder: 'kind',
  help: 'where stateful features keep state (see `list`)',
  values: [
    { value: 'memory', label: 'In memory', hint: 'one replica' },
    { value: 'redis', label: 'Redis', hint: 'shared by every replica' },
  ],
  default: 'memory',
  question: (users) => `Where should ${users.join(' and ')} keep ${users.length > 1 ? 'their' : 'its'} state?`,
});
