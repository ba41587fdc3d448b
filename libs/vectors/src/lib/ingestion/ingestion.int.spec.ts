import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@strata/kernel';
import { createTestDatabase } from '@strata/testing';
import type { CollectionRecord } from '../vectors.contract';
import { IngestionJobsRepository } from './ingestion-jobs.repository';
import { as, contentOf, failure, startIngestionTestBed, user, type IngestionTestBed } from './testing/ingestion-test-bed';

async function makePdf(pages: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of pages) pdf.addPage().drawText(text, { x: 50, y: 700, size: 12, font });
  return pdf.save();
}

interface ChunkRow extends Record<string, unknown> {
  id: string;
  position: number;
  span_start: number;
  span_end: number;
  heading: string | null;
  text: string;
  token_count: number;
  metadata: Record<string, unknown>;
  dimensions: number;
  metric: string;
  has_embedding: boolean;
  lexemes: string;
}

describe('collections and document ingestion (database)', () => {
  let bed: IngestionTestBed;
  const tenant = newId();
  const other = newId();
  const builder = user(['builder']);
  const viewer = user(['viewer']);
  const otherBuilder = user(['builder']);
  let collection: CollectionRecord;

  const asBuilder = <T>(fn: () => Promise<T>) => as(tenant, builder, fn);
  const chunksOf = (documentId: string) =>
    bed.db.query<ChunkRow>(
      `SELECT id, position, span_start, span_end, heading, text, token_count, metadata, dimensions, metric, embedding IS NOT NULL AS has_embedding,
              search_vector::text AS lexemes
       FROM vector_chunk WHERE document_id = $1 ORDER BY position`,
      [documentId],
    );
  const jobCount = async (documentId: string) => Number((await bed.db.query<{ n: string }>(`SELECT count(*) AS n FROM vector_ingestion_job WHERE document_id = $1`, [documentId]))[0]?.n);

  beforeAll(async () => {
    bed = await startIngestionTestBed(await createTestDatabase());
    for (const id of [tenant, other]) await bed.prisma.tenant.create({ data: { id, slug: `t-${id.slice(-12)}`, name: 'Test tenant' } });
    collection = await asBuilder(() =>
      bed.collections.create({
        name: 'handbook',
        description: 'Company handbook',
        embeddingAlias: 'embedding-default',
        dimensions: 384,
        metric: 'cosine',
        chunking: { strategy: 'heading_aware', maxTokens: 80, overlapTokens: 10 },
        textSearchConfig: 'english',
        classification: 'internal',
        readerRoles: [],
      }),
    );
  });

  afterAll(async () => {
    await bed?.close();
  });

  describe('collections', () => {
    it('refuses a dimension mismatch with the alias before writing anything', async () => {
      const error = await failure(
        asBuilder(() =>
          bed.collections.create({
            name: 'wrong-dims',
            description: '',
            embeddingAlias: 'embedding-default',
            dimensions: 512,
            metric: 'cosine',
            chunking: { strategy: 'fixed', maxTokens: 100, overlapTokens: 0 },
            textSearchConfig: 'simple',
            classification: 'internal',
            readerRoles: [],
          }),
        ),
      );
      expect(error.code).toBe('vectors.dimension_mismatch');
      expect(error.kind).toBe('invalid_argument');
      expect(error.details).toMatchObject({ dimensions: 512, modelDimensions: 384 });
      expect(await bed.db.query(`SELECT id FROM vector_collection WHERE name = 'wrong-dims'`)).toHaveLength(0);
    });

    it('rejects an unknown text search configuration and a taken name', async () => {
      const base = { description: '', embeddingAlias: 'embedding-default', dimensions: 384, metric: 'cosine' as const, chunking: { strategy: 'fixed' as const, maxTokens: 100, overlapTokens: 0 }, classification: 'internal' as const, readerRoles: [] };
      expect((await failure(asBuilder(() => bed.collections.create({ ...base, name: 'x', textSearchConfig: 'klingon' })))).code).toBe('vectors.unknown_text_search_config');
      expect((await failure(asBuilder(() => bed.collections.create({ ...base, name: 'handbook', textSearchConfig: 'simple' })))).code).toBe('vectors.collection_name_taken');
    });

    it('reads by id or name, checks the version on update, and keeps alias and dimensions while documents exist', async () => {
      expect((await asBuilder(() => bed.collections.get('handbook'))).id).toBe(collection.id);
      const stale = await failure(asBuilder(() => bed.collections.update(collection.id, { expectedVersion: 7, description: 'x' })));
      expect(stale.code).toBe('vectors.collection_version_conflict');
      const updated = await asBuilder(() => bed.collections.update(collection.id, { expectedVersion: 1, description: 'The handbook' }));
      expect(updated).toMatchObject({ version: 2, description: 'The handbook' });
      collection = updated;
    });

    it('filters by readerRoles: a role not listed neither lists nor reads the collection', async () => {
      const restricted = await asBuilder(() =>
        bed.collections.create({
          name: 'hr-only',
          description: '',
          embeddingAlias: 'embedding-default',
          dimensions: 384,
          metric: 'l2',
          chunking: { strategy: 'fixed', maxTokens: 100, overlapTokens: 0 },
          textSearchConfig: 'simple',
          classification: 'internal',
          readerRoles: ['hr'],
        }),
      );
      const seenByViewer = await as(tenant, viewer, () => bed.collections.list(50));
      expect(seenByViewer.items.map((c) => c.name)).toContain('handbook');
      expect(seenByViewer.items.map((c) => c.name)).not.toContain('hr-only');
      expect((await failure(as(tenant, viewer, () => bed.collections.get(restricted.id)))).code).toBe('vectors.collection_not_found');
      const hrViewer = user(['viewer', 'hr']);
      expect((await as(tenant, hrViewer, () => bed.collections.get('hr-only'))).id).toBe(restricted.id);
      expect((await as(tenant, user(['admin']), () => bed.collections.list(50))).items.map((c) => c.name)).toContain('hr-only');
      // Viewers read, they do not change.
      expect((await failure(as(tenant, viewer, () => bed.collections.update(collection.id, { expectedVersion: collection.version, description: 'no' })))).code).toBe('governance.permission_denied');
      await as(tenant, user(['admin']), () => bed.collections.delete(restricted.id));
    });

    it('a confidential collection needs a declared purpose to be listed or read', async () => {
      const secret = await asBuilder(() =>
        bed.collections.create({
          name: 'board-minutes',
          description: '',
          embeddingAlias: 'embedding-default',
          dimensions: 384,
          metric: 'cosine',
          chunking: { strategy: 'fixed', maxTokens: 100, overlapTokens: 0 },
          textSearchConfig: 'simple',
          classification: 'confidential',
          readerRoles: [],
        }),
      );
      expect((await as(tenant, viewer, () => bed.collections.list(50))).items.map((c) => c.name)).not.toContain('board-minutes');
      expect((await failure(as(tenant, viewer, () => bed.collections.get(secret.id)))).code).toBe('governance.permission_denied');
      expect((await as(tenant, viewer, () => bed.collections.get(secret.id), 'audit-review')).id).toBe(secret.id);
      await as(tenant, user(['admin']), () => bed.collections.delete(secret.id), 'cleanup');
    });
  });

  describe('ingestion', () => {
    it('ingests plain text: chunks with spans, token counts, embeddings of the collection dimensions, text vectors and metadata', async () => {
      const text = Array.from({ length: 30 }, (_, i) => `Otters sentence ${i} explains how river otters hunt fish at dawn.`).join(' ');
      const queued = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'otters.txt', format: 'text', text, metadata: { team: 'biology', year: 2026 } }));
      expect(queued).toMatchObject({ status: 'queued', unchanged: false, progress: { chunksTotal: 0, chunksEmbedded: 0 } });
      expect(await bed.worker.drain()).toBe(1);
      const ready = await asBuilder(() => bed.documents.get(queued.id));
      expect(ready.status).toBe('ready');
      expect(ready.error).toBeNull();
      const chunks = await chunksOf(queued.id);
      expect(chunks.length).toBeGreaterThan(3);
      expect(ready.progress).toEqual({ chunksTotal: chunks.length, chunksEmbedded: chunks.length });
      chunks.forEach((chunk, index) => {
        expect(chunk.position).toBe(index);
        expect(chunk.text).toBe(text.slice(chunk.span_start, chunk.span_end));
        expect(chunk.token_count).toBeLessThanOrEqual(80);
        expect(chunk).toMatchObject({ dimensions: 384, metric: 'cosine', has_embedding: true, heading: null, metadata: { team: 'biology', year: 2026 } });
        // english configuration: stemmed lexemes
        expect(chunk.lexemes).toContain("'otter'");
      });
      const [dims] = await bed.db.query<{ dims: number }>(`SELECT vector_dims(embedding) AS dims FROM vector_chunk WHERE document_id = $1 LIMIT 1`, [queued.id]);
      expect(dims?.dims).toBe(384);
    });

    it('is idempotent: the same content again returns the existing document and queues nothing', async () => {
      const text = 'Idempotency matters. The same bytes twice are one document.';
      const first = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'same.txt', format: 'text', text }));
      const second = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'same-again.txt', format: 'text', text }));
      expect(second).toMatchObject({ id: first.id, unchanged: true, name: 'same.txt' });
      expect(await jobCount(first.id)).toBe(1);
      await bed.worker.drain();
      const third = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'same.txt', format: 'text', text }));
      expect(third).toMatchObject({ id: first.id, unchanged: true, status: 'ready' });
      expect(await jobCount(first.id)).toBe(1);
    });

    it('Markdown is heading-aware: chunks carry their heading path and never mix sections', async () => {
      const section = (topic: string) => Array.from({ length: 12 }, (_, i) => `The ${topic} step ${i} is described here in plain words.`).join(' ');
      const markdown = `# Guide\n\n## Install\n\n${section('install')}\n\n## Configure\n\nSee **the** [docs](https://example.com).\n\n${section('configure')}\n\n\`\`\`sh\nstrata start\n\`\`\``;
      const queued = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'guide.md', format: 'markdown', text: markdown }));
      await bed.worker.drain();
      expect((await asBuilder(() => bed.documents.get(queued.id))).status).toBe('ready');
      const chunks = await chunksOf(queued.id);
      expect(new Set(chunks.map((c) => c.heading))).toEqual(new Set(['Guide > Install', 'Guide > Configure']));
      for (const chunk of chunks) {
        expect(chunk.text).not.toMatch(/\*\*|\]\(https/);
        expect(chunk.text.includes('install step') && chunk.text.includes('configure step')).toBe(false);
      }
      expect(chunks.some((c) => c.text.includes('strata start'))).toBe(true);
      expect(chunks.find((c) => c.text.includes('configure step 0'))?.heading).toBe('Guide > Configure');
    });

    it('HTML drops scripts and styles and uses h1–h6 as headings', async () => {
      const html = `<html><head><title>T</title><style>.x{color:red}</style></head><body><script>alert("secret")</script>
        <h1>Policies</h1><p>Travel &amp; expenses are <b>reimbursed</b> monthly.</p><h2>Travel</h2><p>Book trains before planes.</p><ul><li>Economy</li><li>Rail</li></ul></body></html>`;
      const queued = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'policies.html', format: 'html', text: html }));
      await bed.worker.drain();
      const chunks = await chunksOf(queued.id);
      const all = chunks.map((c) => c.text).join('\n');
      expect(all).toContain('Travel & expenses are reimbursed monthly.');
      expect(all).toContain('Book trains before planes.');
      expect(all).not.toMatch(/alert|color:red|<b>/);
      expect(chunks.map((c) => c.heading)).toContain('Policies');
    });

    it('PDF from the media store: one section per page', async () => {
      const bytes = await makePdf(['Quarterly report about solar panels.', 'Second page covers wind turbines.']);
      const stored = await asBuilder(() => bed.media.put({ filename: 'report.pdf', declaredContentType: 'application/pdf', content: contentOf(bytes) }));
      const queued = await asBuilder(() => bed.documents.ingestMedia({ collectionId: collection.id, mediaId: stored.id }));
      expect(queued).toMatchObject({ name: 'report.pdf', format: 'pdf', mediaId: stored.id, contentSha256: stored.sha256 });
      await bed.worker.drain();
      expect((await asBuilder(() => bed.documents.get(queued.id))).status).toBe('ready');
      const all = (await chunksOf(queued.id)).map((c) => c.text).join('\n');
      expect(all).toContain('solar panels');
      expect(all).toContain('wind turbines');
    });

    it('a corrupt PDF fails its document alone, with no chunks; the next document is ingested', async () => {
      const corrupt = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('1 0 obj << /Type /Catalog garbage garbage\n'.repeat(20))]);
      const stored = await asBuilder(() => bed.media.put({ filename: 'broken.pdf', declaredContentType: 'application/pdf', content: contentOf(corrupt) }));
      const broken = await asBuilder(() => bed.documents.ingestMedia({ collectionId: collection.id, mediaId: stored.id }));
      const fine = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'after.txt', format: 'text', text: 'This document comes after the broken one.' }));
      expect(await bed.worker.drain()).toBe(2);
      const failed = await asBuilder(() => bed.documents.get(broken.id));
      expect(failed.status).toBe('failed');
      expect(failed.error?.code).toBe('vectors.extraction_failed');
      expect(await chunksOf(broken.id)).toHaveLength(0);
      expect((await asBuilder(() => bed.documents.get(fine.id))).status).toBe('ready');
    });

    it('a file that is text only at its start (binary after the sniffed head) fails with extraction_failed', async () => {
      const bytes = Buffer.concat([Buffer.from('plain words '.repeat(1_000)), Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x00])]);
      const stored = await asBuilder(() => bed.media.put({ filename: 'notes.txt', declaredContentType: 'text/plain', content: contentOf(bytes) }));
      const queued = await asBuilder(() => bed.documents.ingestMedia({ collectionId: collection.id, mediaId: stored.id }));
      await bed.worker.drain();
      expect((await asBuilder(() => bed.documents.get(queued.id))).error?.code).toBe('vectors.extraction_failed');
    });

    it('refuses media that is not a document type (an image) synchronously', async () => {
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
      const stored = await asBuilder(() => bed.media.put({ filename: 'dot.png', declaredContentType: 'image/png', content: contentOf(png) }));
      const error = await failure(asBuilder(() => bed.documents.ingestMedia({ collectionId: collection.id, mediaId: stored.id })));
      expect(error).toMatchObject({ code: 'vectors.unsupported_document_type', kind: 'unsupported_media_type' });
    });

    it('delete removes the document and its chunks in one go', async () => {
      const queued = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'doomed.txt', format: 'text', text: 'A short-lived document about comets.' }));
      await bed.worker.drain();
      expect((await chunksOf(queued.id)).length).toBeGreaterThan(0);
      await asBuilder(() => bed.documents.delete(queued.id));
      expect(await chunksOf(queued.id)).toHaveLength(0);
      expect(await jobCount(queued.id)).toBe(0);
      expect((await failure(asBuilder(() => bed.documents.get(queued.id)))).code).toBe('vectors.document_not_found');
    });

    it('re-ingest replaces the chunks; alias and dimensions stay fixed while documents exist', async () => {
      const queued = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'again.txt', format: 'text', text: 'Glaciers move slowly. They carve valleys.' }));
      await bed.worker.drain();
      const before = (await chunksOf(queued.id)).map((c) => c.id);
      const again = await asBuilder(() => bed.documents.reingest(queued.id));
      expect(again.status).toBe('queued');
      expect((await failure(asBuilder(() => bed.documents.reingest(queued.id)))).code).toBe('vectors.ingestion_in_progress');
      await bed.worker.drain();
      const after = (await chunksOf(queued.id)).map((c) => c.id);
      expect(after.length).toBe(before.length);
      expect(after.some((id) => before.includes(id))).toBe(false);
      const current = await asBuilder(() => bed.collections.get(collection.id));
      const blocked = await failure(asBuilder(() => bed.collections.update(collection.id, { expectedVersion: current.version, dimensions: 768 })));
      expect(blocked.code).toBe('vectors.collection_has_documents');
      // The metric may change: the chunks' copy follows in the same transaction.
      const changed = await asBuilder(() => bed.collections.update(collection.id, { expectedVersion: current.version, metric: 'inner_product' }));
      expect(changed.metric).toBe('inner_product');
      expect((await chunksOf(queued.id)).every((c) => c.metric === 'inner_product')).toBe(true);
      collection = await asBuilder(() => bed.collections.update(collection.id, { expectedVersion: changed.version, metric: 'cosine' }));
    });

    it('a worker picks up a job whose lease expired (its worker crashed)', async () => {
      const queued = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'crash.txt', format: 'text', text: 'This job survives a crashed worker.' }));
      const jobs = bed.moduleRef.get(IngestionJobsRepository);
      const claimed = await jobs.claim('crashed-worker', 60_000);
      expect(claimed?.documentId).toBe(queued.id);
      // Lease still valid: nobody else takes it.
      expect(await bed.worker.drain()).toBe(0);
      await bed.db.query(`UPDATE vector_ingestion_job SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [claimed?.id]);
      expect(await bed.worker.drain()).toBe(1);
      expect((await asBuilder(() => bed.documents.get(queued.id))).status).toBe('ready');
      const [job] = await bed.db.query<{ status: string; attempts: number; lease_owner: string | null }>(`SELECT status, attempts, lease_owner FROM vector_ingestion_job WHERE id = $1`, [claimed?.id]);
      expect(job).toEqual({ status: 'done', attempts: 2, lease_owner: null });
      // The crashed worker's late heartbeat is refused: it no longer holds the lease.
      expect(await jobs.heartbeat(claimed?.id ?? '', 'crashed-worker', 60_000)).toBe(false);
    });

    it('lists documents of a collection with status filter', async () => {
      const page = await as(tenant, viewer, () => bed.documents.list(collection.id, 200, undefined, 'failed'));
      expect(page.items.length).toBeGreaterThanOrEqual(2);
      expect(page.items.every((d) => d.status === 'failed')).toBe(true);
    });
  });

  describe('shutdown (last: the worker stays stopped)', () => {
    it('a stopping worker hands its job back to the queue, with no chunks written and the attempt given back', async () => {
      const text = Array.from({ length: 3_000 }, (_, i) => `Line ${i} of a long manual about pumps, valves and pressure.`).join(' ');
      const queued = await asBuilder(() => bed.documents.ingestText({ collectionId: collection.id, name: 'manual.txt', format: 'text', text }));
      const draining = bed.worker.drain();
      let embedding = false;
      for (let i = 0; i < 500 && !embedding; i++) {
        const [row] = await bed.db.query<{ status: string; chunks_embedded: number }>(`SELECT status, chunks_embedded FROM vector_document WHERE id = $1`, [queued.id]);
        embedding = row?.status === 'embedding' && row.chunks_embedded > 0;
        if (!embedding) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(embedding).toBe(true);
      await bed.worker.onModuleDestroy();
      await draining;
      const [job] = await bed.db.query<{ status: string; attempts: number; lease_owner: string | null }>(`SELECT status, attempts, lease_owner FROM vector_ingestion_job WHERE document_id = $1`, [queued.id]);
      expect(job).toEqual({ status: 'queued', attempts: 0, lease_owner: null });
      expect((await asBuilder(() => bed.documents.get(queued.id))).status).toBe('queued');
      expect(await chunksOf(queued.id)).toHaveLength(0);
    });
  });

  describe('tenant isolation', () => {
    it('another tenant sees neither the collection nor its documents', async () => {
      const [doc] = await bed.db.query<{ id: string }>(`SELECT id FROM vector_document WHERE tenant_id = $1 LIMIT 1`, [tenant]);
      const id = doc?.id ?? '';
      expect((await failure(as(other, otherBuilder, () => bed.collections.get(collection.id)))).code).toBe('vectors.collection_not_found');
      expect((await failure(as(other, otherBuilder, () => bed.collections.get('handbook')))).code).toBe('vectors.collection_not_found');
      expect((await as(other, otherBuilder, () => bed.collections.list(50))).items).toEqual([]);
      expect((await failure(as(other, otherBuilder, () => bed.documents.get(id)))).code).toBe('vectors.document_not_found');
      expect((await failure(as(other, otherBuilder, () => bed.documents.delete(id)))).code).toBe('vectors.document_not_found');
      expect((await failure(as(other, otherBuilder, () => bed.documents.ingestText({ collectionId: collection.id, name: 'x', format: 'text', text: 'intrusion' })))).code).toBe(
        'vectors.collection_not_found',
      );
      // Same name in another tenant is fine.
      const own = await as(other, otherBuilder, () =>
        bed.collections.create({ name: 'handbook', description: '', embeddingAlias: 'embedding-default', dimensions: 384, metric: 'cosine', chunking: { strategy: 'fixed', maxTokens: 100, overlapTokens: 0 }, textSearchConfig: 'simple', classification: 'internal', readerRoles: [] }),
      );
      expect(own.id).not.toBe(collection.id);
    });
  });
});
