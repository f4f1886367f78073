import type { Resource } from '../resource.js';
import { upstreamConfig } from './upstream-config.js';

/**
 * Every resource the server offers. Add one with `npx create-mcp-prod add resource <name>`, or write a
 * file next to this one and list it here.
 */
export const resources: readonly Resource[] = [upstreamConfig];
