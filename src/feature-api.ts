/**
 * The feature module contract (docs/ARCHITECTURE.md, "Feature modules"). A feature is one folder,
 * `templates/<id>/`, holding:
 * - `feature.ts`: one `defineFeature({...})` with everything the CLI and the engine need to know about it;
 * - files it adds to a project, at the paths they get (rendered with the template context);
 * - `slots/<slot>.hbs`: what it contributes to the named places (`{{> slot}}`) of shared templates.
 * Adding a feature is that folder plus one line in src/features.ts.
 */
import type { TemplateContext } from './engine/render.js';

export type Deps = Readonly<Record<string, string>>;

/** Text that may depend on the answers. */
export type Text = string | ((ctx: TemplateContext) => string);

/**
 * One environment variable of the generated server. This one declaration gives its entry in the zod schema of
 * `src/config.ts`, its lines in `.env.example` and its line in the README's "Configure" section.
 */
export interface EnvVar {
  name: string;
  /**
   * The zod expression of its entry in `src/config.ts`, e.g. `z.coerce.number().int().positive().default(120)`,
   * formatted as Prettier formats it there (continuation lines indented by 4 spaces).
   */
  schema: Text;
  /** A comment for developers above the entry in `src/config.ts` (why the rule is what it is). */
  note?: string;
  /** How the README shows the default: `3000`, `none`, `required`. */
  default: Text;
  /** What it does, for people: the README line and the `.env.example` comment. */
  description: Text;
  /** The value shown in `.env.example` (commented out unless `required`); defaults to the default. */
  example?: Text;
  /** Set (uncommented) in `.env.example`, and listed as required. */
  required?: boolean;
  /** Rendered only when this holds (e.g. only with Redis); always when absent. */
  when?: (ctx: TemplateContext) => boolean;
}

/** A titled group of variables: one section of `.env.example`. */
export interface EnvSection {
  title: Text;
  vars: readonly EnvVar[];
  when?: (ctx: TemplateContext) => boolean;
}

export interface FeatureDefinition<Id extends string = string> {
  id: Id;
  title: string;
  /** One line for `list` and the prompt. */
  description: string;
  /** Features this one needs; `create` and `add` bring them in (src/features.ts `withRequired`). */
  requires: readonly string[];
  /** Serves HTTP only: refused with --transport stdio. */
  httpOnly: boolean;
  /** Keeps its state in the store chosen with --store (memory or Redis). */
  usesStore: boolean;
  /** Options of the CLI that only matter with this feature. */
  options: readonly string[];
  dependencies: Deps;
  devDependencies: Deps;
  /** Environment variables the feature adds to the generated server. */
  env: readonly EnvSection[];
}

/** Types a feature definition; `const` keeps its id a literal, so the registry can list the ids. */
export function defineFeature<const Id extends string>(definition: FeatureDefinition<Id>): FeatureDefinition<Id> {
  return definition;
}

/** What every project has (templates/base): its dependencies and its environment, by what it serves. */
export interface BaseDefinition {
  dependencies: Deps;
  devDependencies: Deps;
  /** Added when the transport serves HTTP (http or both). */
  http: { dependencies: Deps; devDependencies: Deps };
  /** Added when the store is Redis and a chosen feature uses it. */
  redis: { dependencies: Deps; devDependencies: Deps };
  /** Sections before the features' sections, and after them. */
  env: { first: readonly EnvSection[]; last: readonly EnvSection[] };
}
