import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { isUuid } from '@strata/kernel';
import { ObjectsService, SchemaRepository, type Neighbourhood, type ObjectRecord } from '@strata/ontology';
import type { ContextSource } from '../agents/agent-spec';
import { ContextError } from '../context.errors';
import type { SourceCandidate } from './context-sections';

/** Bounds of the ontology source: objects shown in all (start objects and linked ones) and links per object. */
export const ONTOLOGY_SOURCE_LIMITS = { objects: 50, linksPerObject: 25, propertyChars: 2_000 } as const;

/**
 * Ontology objects in scope: the spec's `objects` (object ids, or `objectTypeApiName:primaryKey`)
 * and, with `linkHops` ≥ 1, the objects linked to them up to that many hops. Read through the
 * ontology's ObjectsService, so the run's principal sees only what it may read (and every read is in
 * the data-access log). Start objects come first, then each hop in breadth-first order.
 */
@Injectable()
export class OntologyContextSource {
  // The ontology module is not global and the context module does not import it: its services are
  // looked up in the application's module graph at first use (as the tools do).
  constructor(private readonly moduleRef: ModuleRef) {}

  async candidates(source: ContextSource): Promise<SourceCandidate[]> {
    const objects = this.lookup(ObjectsService);
    const schema = this.lookup(SchemaRepository);
    if (!objects || !schema) throw new ContextError('context.source_unavailable', 'unavailable', 'The ontology is not available to the context layer in this process.');
    const hops = source.linkHops ?? 0;
    const seen = new Set<string>();
    const candidates: SourceCandidate[] = [];
    let frontier: string[] = [];
    for (const reference of source.objects ?? []) {
      const id = await resolve(reference, objects, schema);
      if (id && !seen.has(id)) {
        seen.add(id);
        frontier.push(id);
      }
    }
    for (let depth = 0; frontier.length && candidates.length < ONTOLOGY_SOURCE_LIMITS.objects; depth++) {
      const next: string[] = [];
      for (const id of frontier) {
        if (candidates.length >= ONTOLOGY_SOURCE_LIMITS.objects) break;
        const view = await read(objects, id, hops > 0);
        if (!view) continue;
        candidates.push({ id, kind: 'ontology_object', text: render(view), reason: depth === 0 ? 'in scope (named by the spec)' : `linked to an object in scope (${depth} hop${depth > 1 ? 's' : ''})` });
        if (depth < hops) {
          for (const link of view.links) {
            if (!seen.has(link.other.id)) {
              seen.add(link.other.id);
              next.push(link.other.id);
            }
          }
        }
      }
      frontier = depth < hops ? next : [];
    }
    return candidates;
  }

  private lookup<T>(type: abstract new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef.get(type as never, { strict: false }) as T;
    } catch {
      return undefined;
    }
  }
}

/** An object id, or the id of `type:primaryKey`; null when it does not exist or is not readable. */
async function resolve(reference: string, objects: ObjectsService, schema: SchemaRepository): Promise<string | null> {
  if (isUuid(`${reference}`)) return reference;
  const colon = reference.indexOf(':');
  if (colon < 1) return null;
  const type = await schema.objectType(reference.slice(0, colon));
  if (!type) return null;
  const found = await objects.list({ type: type.apiName, where: { [type.primaryKey]: reference.slice(colon + 1) }, limit: 1 });
  return found.items[0]?.id ?? null;
}

async function read(objects: ObjectsService, id: string, withLinks: boolean): Promise<Neighbourhood | null> {
  try {
    if (withLinks) return await objects.neighbourhood(id, ONTOLOGY_SOURCE_LIMITS.linksPerObject);
    return { object: await objects.get(id), links: [], truncated: false };
  } catch (error) {
    // Gone, or not readable by the principal: left out like an object that does not exist.
    if (typeof error === 'object' && error !== null && (error as { kind?: string }).kind === 'not_found') return null;
    throw error;
  }
}

function render(view: Neighbourhood): string {
  const object: ObjectRecord = view.object;
  const properties = JSON.stringify(object.properties);
  const line = {
    id: object.id,
    type: object.typeApiName,
    title: object.title,
    properties: properties.length > ONTOLOGY_SOURCE_LIMITS.propertyChars ? `${properties.slice(0, ONTOLOGY_SOURCE_LIMITS.propertyChars)}…` : object.properties,
    links: view.links.map((link) => ({ link: link.linkTypeApiName, direction: link.direction, object: link.other })),
    ...(view.truncated ? { moreLinks: true } : {}),
  };
  return `- ${JSON.stringify(line)}`;
}
