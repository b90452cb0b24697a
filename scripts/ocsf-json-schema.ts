/**
 * Builds a JSON Schema (draft 2020-12) for one OCSF event class from a checkout of the OCSF schema
 * definition repository (github.com/ocsf/ocsf-schema, Apache-2.0), the way the OCSF server's JSON
 * Schema export does, without its optional profiles (nhi-gov's records use none) or extensions:
 *
 *   git -C <ocsf-schema clone> archive 1.8.0 | tar -x -C /tmp/ocsf-1.8.0
 *   npx tsx scripts/ocsf-json-schema.ts /tmp/ocsf-1.8.0 compliance_finding detection_finding
 *
 * writes test/fixtures/ocsf/<version>/<class>.schema.json. What it does:
 * - a class or object is its `extends` chain merged base first (attribute settings of the child win),
 *   with `$include`d files merged in; attributes that come from a profile are left out;
 * - each attribute takes its type, array-ness and enum from the dictionary, overridden by the class or
 *   object; `*_t` types become JSON types (with the dictionary's regex and range), object types `$ref`s;
 * - `required` attributes are required; no other property is allowed (as the OCSF validator reports);
 * - `class_uid` is `category uid * 1000 + class uid`, `category_uid` the category's, and `type_uid`
 *   one of `class_uid * 100 + activity_id`; object `constraints` (`at_least_one`, `just_one`) become anyOf/oneOf.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Json = Record<string, unknown>;
type Attr = Json & {
  type?: string;
  is_array?: boolean;
  enum?: Record<string, unknown>;
  requirement?: string;
  profile?: string | null;
};
interface Def {
  name: string;
  extends?: string;
  uid?: number;
  category?: string;
  attributes: Record<string, Attr>;
  constraints?: Json;
}

const root = resolve(process.argv[2] ?? '');
const classes = process.argv.slice(3);
const read = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as Json;
const version = (read('version.json').version as string).replace(/-dev$/, '');
const dictionary = read('dictionary.json') as {
  attributes: Record<string, Attr>;
  types: { attributes: Record<string, Json> };
};
const categories = (read('categories.json') as { attributes: Record<string, { uid: number }> }).attributes;

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) =>
    statSync(join(root, dir, f)).isDirectory()
      ? files(join(dir, f))
      : f.endsWith('.json')
        ? [join(dir, f)]
        : [],
  );
}
const byName = (dir: string) => new Map(files(dir).map((f) => [read(f).name as string, f]));
const objectFiles = byName('objects');
const eventFiles = byName('events');

/** Settings of an attribute over earlier ones: the later win, and enum values add up (as in OCSF). */
function merge(base: Attr | undefined, over: Attr): Attr {
  const merged: Attr = { ...base, ...over };
  if (base?.enum || over.enum) merged.enum = { ...base?.enum, ...over.enum };
  return merged;
}

/** Attributes of a file, with its `$include`s merged in (profile includes marked with their profile). */
function attributesOf(path: string): Record<string, Attr> {
  const raw = read(path).attributes as Record<string, unknown>;
  const out: Record<string, Attr> = {};
  for (const inc of (raw.$include as string[] | undefined) ?? []) {
    const included = attributesOf(inc);
    const profile = inc.startsWith('profiles/') ? (read(inc).name as string) : undefined;
    for (const [k, v] of Object.entries(included)) out[k] = { ...(profile ? { profile } : {}), ...v };
  }
  for (const [k, v] of Object.entries(raw)) if (k !== '$include') out[k] = merge(out[k], v as Attr);
  return out;
}

function resolveDef(name: string, index: Map<string, string>): Def {
  const path = index.get(name);
  if (!path) throw new Error(`no definition named ${name}`);
  const own = read(path);
  const parentName = own.extends as string | undefined;
  const parent = parentName && parentName !== 'object' ? resolveDef(parentName, index) : undefined;
  const attributes: Record<string, Attr> = { ...(parent?.attributes ?? {}) };
  for (const [k, v] of Object.entries(attributesOf(path))) attributes[k] = merge(attributes[k], v);
  return {
    name,
    ...(own.uid !== undefined
      ? { uid: own.uid as number }
      : parent?.uid !== undefined
        ? { uid: parent.uid }
        : {}),
    ...((own.category ?? parent?.category) ? { category: (own.category ?? parent?.category) as string } : {}),
    attributes,
    ...((own.constraints ?? parent?.constraints)
      ? { constraints: (own.constraints ?? parent?.constraints) as Json }
      : {}),
  };
}

const defs: Record<string, Json> = {};

function scalar(type: string): Json {
  const t = dictionary.types.attributes[type];
  if (!t) throw new Error(`unknown type ${type}`);
  const base = (t.type as string | undefined) ?? type;
  const json: Json =
    base === 'string_t'
      ? { type: 'string' }
      : base === 'integer_t' || base === 'long_t'
        ? { type: 'integer' }
        : base === 'float_t'
          ? { type: 'number' }
          : base === 'boolean_t'
            ? { type: 'boolean' }
            : base === 'json_t'
              ? {}
              : scalar(base);
  if (t.regex) json.pattern = t.regex;
  if (Array.isArray(t.range)) Object.assign(json, { minimum: t.range[0], maximum: t.range[1] });
  if (t.max_len) json.maxLength = t.max_len;
  return json;
}

function attributeSchema(name: string, local: Attr): Json {
  const dict = dictionary.attributes[name] ?? {};
  const a = merge(dict, local);
  const type = a.type ?? 'string_t';
  let item: Json;
  if (type === 'object') item = { type: 'object' };
  else if (type.endsWith('_t')) item = scalar(type);
  else {
    objectSchema(type);
    item = { $ref: `#/$defs/${type}` };
  }
  if (a.enum && (item.type === 'integer' || item.type === 'string')) {
    const values = Object.keys(a.enum).map((k) => (item.type === 'integer' ? Number(k) : k));
    item = { ...item, enum: values };
  }
  return a.is_array ? { type: 'array', items: item } : item;
}

function properties(def: Def): Json {
  const props: Json = {};
  const required: string[] = [];
  for (const [k, v] of Object.entries(def.attributes)) {
    if (v.profile) continue;
    props[k] = attributeSchema(k, v);
    if (v.requirement === 'required') required.push(k);
  }
  const out: Json = {
    type: 'object',
    properties: props,
    required: required.sort(),
    additionalProperties: false,
  };
  const at = (def.constraints?.at_least_one as string[] | undefined)?.filter((k) => k in props);
  if (at?.length) out.anyOf = at.map((k) => ({ required: [k] }));
  const one = (def.constraints?.just_one as string[] | undefined)?.filter((k) => k in props);
  if (one?.length) out.oneOf = one.map((k) => ({ required: [k] }));
  return out;
}

function objectSchema(name: string): void {
  if (defs[name]) return;
  defs[name] = {};
  defs[name] = { title: name, ...properties(resolveDef(name, objectFiles)) };
}

for (const cls of classes) {
  for (const k of Object.keys(defs)) delete defs[k];
  const def = resolveDef(cls, eventFiles);
  const category = categories[def.category ?? ''];
  if (!category || def.uid === undefined) throw new Error(`${cls} has no category or uid`);
  const classUid = category.uid * 1000 + def.uid;
  const schema = properties(def) as Json & { properties: Record<string, Json> };
  const activities = Object.keys(def.attributes.activity_id?.enum ?? {}).map(Number);
  schema.properties.class_uid = { type: 'integer', const: classUid };
  schema.properties.category_uid = { type: 'integer', const: category.uid };
  schema.properties.type_uid = { type: 'integer', enum: activities.map((a) => classUid * 100 + a) };
  const out = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://schema.ocsf.io/${version}/classes/${cls}`,
    title: `OCSF ${version} ${cls} (${classUid})`,
    $comment: `Generated by scripts/ocsf-json-schema.ts from github.com/ocsf/ocsf-schema tag ${version} (Apache-2.0), without profiles or extensions.`,
    ...schema,
    $defs: Object.fromEntries(Object.entries(defs).sort(([a], [b]) => a.localeCompare(b))),
  };
  const dir = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'ocsf', version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${cls}.schema.json`), `${JSON.stringify(out, null, 2)}\n`);
  console.log(
    `${cls}: class_uid ${classUid}, ${Object.keys(defs).length} objects -> ${join(dir, `${cls}.schema.json`)}`,
  );
}
