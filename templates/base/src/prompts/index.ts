import type { Prompt } from '../prompt.js';
import { weatherAlerts } from './weather-alerts.js';

/**
 * Every prompt the server offers. Add one with `npx create-mcp-prod add prompt <name>`, or write a file
 * next to this one and list it here.
 */
export const prompts: readonly Prompt[] = [weatherAlerts];
