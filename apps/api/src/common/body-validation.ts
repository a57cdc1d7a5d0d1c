import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Request } from 'express';
import { repoRoot } from '../config/app-config.js';
import { AppException, type ProblemFieldError } from './app.exception.js';
import { localeFromHeader, type Locale } from './i18n.js';

/**
 * Request bodies are validated by ajv against schemas/api/<name>.schema.json (the single
 * source of truth, also published in OpenAPI). Compiled once, at first import.
 */
const schemaDir = path.join(repoRoot, 'schemas/api');
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv);
export const apiSchemas: Record<string, Record<string, unknown>> = {};
for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json'))) {
  const schema = JSON.parse(readFileSync(path.join(schemaDir, file), 'utf8')) as Record<string, unknown>;
  apiSchemas[file.replace(/\.schema\.json$/, '')] = schema;
  ajv.addSchema(schema);
}
const validators = new Map<string, ValidateFunction>(
  Object.entries(apiSchemas).map(([name, schema]) => [name, ajv.getSchema(schema.$id as string)!]),
);

/** `$ref` to schemas/api/<name>.schema.json as an OpenAPI component (see app.factory). */
export function openApiRef(name: string): { $ref: string } {
  const title = apiSchemas[name]?.title;
  if (typeof title !== 'string') throw new Error(`No API schema named ${name}`);
  return { $ref: `#/components/schemas/${title}` };
}

/** The schemas/api documents as OpenAPI components, with their file $refs rewritten. */
export function openApiComponents(): Record<string, unknown> {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node)
          .filter(([key]) => key !== '$schema' && key !== '$id')
          .map(([key, value]) =>
            key === '$ref' && typeof value === 'string' && value.endsWith('.schema.json')
              ? [key, openApiRef(value.replace(/\.schema\.json$/, '')).$ref]
              : [key, rewrite(value)],
          ),
      );
    }
    return node;
  };
  return Object.fromEntries(Object.values(apiSchemas).map((schema) => [schema.title as string, rewrite(schema)]));
}

const TEXT: Record<string, { 'zh-CN': (e: ErrorObject) => string; en: (e: ErrorObject) => string }> = {
  required: { 'zh-CN': (e) => `缺少必填字段 ${e.params.missingProperty}`, en: (e) => `is missing required property ${e.params.missingProperty}` },
  additionalProperties: {
    'zh-CN': (e) => `不允许的字段 ${e.params.additionalProperty}`,
    en: (e) => `must not have property ${e.params.additionalProperty}`,
  },
  type: { 'zh-CN': (e) => `类型应为 ${e.params.type}`, en: (e) => `must be of type ${e.params.type}` },
  minLength: { 'zh-CN': (e) => `长度不能少于 ${e.params.limit}`, en: (e) => `must have at least ${e.params.limit} characters` },
  maxLength: { 'zh-CN': (e) => `长度不能超过 ${e.params.limit}`, en: (e) => `must have at most ${e.params.limit} characters` },
  format: { 'zh-CN': (e) => `格式应为 ${e.params.format}`, en: (e) => `must match format ${e.params.format}` },
};

export function bodyErrors(errors: ErrorObject[], locale: Locale): ProblemFieldError[] {
  return errors.map((e) => {
    const missing = e.keyword === 'required' ? `/${String(e.params.missingProperty)}` : '';
    const extra = e.keyword === 'additionalProperties' ? `/${String(e.params.additionalProperty)}` : '';
    const text = TEXT[e.keyword];
    return {
      path: `${e.instancePath}${missing}${extra}` || '/',
      keyword: e.keyword,
      params: e.params as Record<string, unknown>,
      message: text ? text[locale](e) : (e.message ?? e.keyword),
    };
  });
}

export function validateBodyOrThrow<T>(name: string, body: unknown, locale: Locale): T {
  const validate = validators.get(name);
  if (!validate) throw new Error(`No request schema named ${name}`);
  if (!validate(body)) {
    throw new AppException(400, 'http.validation_failed', {}, bodyErrors(validate.errors ?? [], locale));
  }
  return body as T;
}

/** `@ValidBody('login-request') body: LoginRequest` — JSON only, validated against the schema. */
export function validateQueryOrThrow<T>(name: string, query: unknown, locale: Locale): T {
  return validateBodyOrThrow<T>(name, { ...(query as object) }, locale);
}

export const ValidBody = createParamDecorator((name: string, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Request>();
  if (!req.is(['application/json', 'application/merge-patch+json'])) throw new AppException(415, 'http.unsupported_media_type');
  return validateBodyOrThrow(name, req.body, localeFromHeader(req.headers['accept-language']));
});
