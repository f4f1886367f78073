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
  when?: (ctx: TemplateContext) => unknown;
}

/** A titled group of variables: one section of `.env.example`. */
export interface EnvSection {
  title: Text;
  vars: readonly EnvVar[];
  when?: (ctx: TemplateContext) => unknown;
}

/** One value of an option: what `list`, help and the question show for it. */
export interface OptionValue<V extends string = string> {
  value: V;
  label: string;
  hint: string;
}

/**
 * An answer of the CLI beyond the core ones (name, transport, features): `--<id> <value>`. The engine derives from
 * this one declaration the flag and its help, the question, the check of a given value, `list`, the manifest check
 * and the template context: `<id>` is the value where the option applies and `false` elsewhere, and each value is a
 * boolean (`{{#if oauth}}`).
 */
export interface OptionDefinition<Id extends string = string, V extends string = string> {
  id: Id;
  /** What it is, in messages: "auth kind". */
  what: string;
  /** The flag's placeholder: `kind` in `--<id> <kind>`. */
  placeholder: string;
  /** One line of help for the flag. */
  help: string;
  values: readonly OptionValue<V>[];
  default: NoInfer<V>;
  /**
   * The value of a project made before the option existed (its manifest does not hold it), when that is not
   * `default`: what those projects did, so that `add` and `upgrade` do not change it behind their back.
   */
  legacy?: NoInfer<V>;
  /**
   * `false`: a flag only, for a choice with a safe default that newcomers need not weigh: never asked and never
   * missing; without the flag, the default (or, for `add`, the recorded answer).
   */
  asked?: boolean;
  /** The question on a terminal; `users` are the chosen features it is asked for. */
  question: (users: readonly string[]) => string;
  /**
   * `features` (the default): it answers for the chosen features that name it in their `options`; it is asked
   * when the first of them comes in, and a flag for it without one of them is refused. `project`: every project
   * has it (declared in base.ts), whatever the features.
   */
  scope?: 'features' | 'project';
  /**
   * What a value cannot go with, for a project-level option (a runtime that cannot serve some features or a
   * transport): one reason per refused feature or transport, `feature: why`. Any reason refuses the answers with
   * exit 2, naming each.
   */
  refuses?(
    value: V,
    answers: { transport: string; features: readonly string[]; options: Readonly<Record<string, string>> },
  ): string[];
}

/** Types an option; `const` keeps its id and values literal, so that the answers are typed from the registry. */
export function defineOption<const Id extends string, const V extends string>(
  definition: OptionDefinition<Id, V>,
): OptionDefinition<Id, V> {
  return definition;
}

export interface FeatureDefinition<
  Id extends string = string,
  Opts extends readonly OptionDefinition[] = readonly OptionDefinition[],
> {
  id: Id;
  title: string;
  /** One line for `list` and the prompt. */
  description: string;
  /** Features this one needs; `create` and `add` bring them in (src/features.ts `withRequired`). */
  requires: readonly string[];
  /** Serves HTTP only: refused with --transport stdio. */
  httpOnly: boolean;
  /**
   * The answers this feature brings (`defineOption`): each is a flag of `create` and `add`, a question, an entry of
   * `list` and of `.mcp-prod.json`, and names in the template context. An option several features share (the
   * store) is declared once, in templates/base/options.ts, and named by each.
   */
  options: Opts;
  dependencies: Deps;
  devDependencies: Deps;
  /** Environment variables the feature adds to the generated server. */
  env: readonly EnvSection[];
}

/** Types a feature definition; `const` keeps its id a literal, so the registry can list the ids. */
export function defineFeature<const Id extends string, const Opts extends readonly OptionDefinition[]>(
  definition: FeatureDefinition<Id, Opts>,
): FeatureDefinition<Id, Opts> {
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
  /** Added when a name of the template context is true, e.g. `workers` (the runtime option's value). */
  when?: Readonly<Record<string, { dependencies: Deps; devDependencies: Deps }>>;
  /** Options every project has, whatever its features (`scope: 'project'`). */
  options?: readonly OptionDefinition[];
}
