import type { Tool } from '../tool.js';
import { echo } from './echo.js';
import { upstreamGet } from './upstream-get.js';

/** Every tool the server offers. Add a file next to this one and list it here. */
export const tools: readonly Tool[] = [echo, upstreamGet];
