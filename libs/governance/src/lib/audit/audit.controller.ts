import { pipeline } from 'node:stream/promises';
import { Controller, Get, HttpCode, Logger, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { parseInput, RequestContextStore } from '@strata/kernel';
import type { Prisma } from '@strata/db';
import { AuthorizationService } from '../authz/authorization.service';
import { Authorize } from '../authz/authorize.decorator';
import { toAuditCheckpointDto, type AuditCheckpointDto } from './audit-checkpoint.dto';
import { AuditCheckpoints } from './audit-checkpoints.service';
import { toAuditEntryDto, type AuditEntryDto } from './audit-entry.dto';
import { AuditExport } from './audit-export.service';
import { AuditLog } from './audit-log.service';
import {
  auditCheckpointListSchema,
  auditEntryIdSchema,
  auditExportSchema,
  auditListSchema,
} from './audit-query.schema';
import { AuditQuery, type AuditEntryPage } from './audit-query.service';
import { AuditKeyRing } from './audit-signing-key';
import { AuditVerifier, type AuditVerification } from './audit-verifier';

/** The audit log over HTTP: read, export, verify, checkpoints. The tenant is the caller's, always. */
@ApiTags('audit')
@Controller('governance/audit')
export class AuditController {
  private readonly logger = new Logger('AuditController');

  constructor(
    private readonly query: AuditQuery,
    private readonly exporter: AuditExport,
    private readonly verifier: AuditVerifier,
    private readonly checkpoints: AuditCheckpoints,
    private readonly keyRing: AuditKeyRing,
    private readonly log: AuditLog,
    private readonly authorization: AuthorizationService,
  ) {}

  @Get('entries')
  @Authorize('read', 'AuditEntry')
  @ApiOperation({ summary: 'List audit entries (filters, cursor paging by seq, at most 500 a page)' })
  @ApiOkResponse({ description: '`{ items, nextCursor }`' })
  async list(@Query() raw: Record<string, unknown>): Promise<AuditEntryPage> {
    const query = parseInput(auditListSchema, raw);
    return this.query.list(RequestContextStore.requireTenantId(), query, await this.readable());
  }

  @Get('entries/:id')
  @Authorize('read', 'AuditEntry')
  @ApiOperation({ summary: 'One audit entry' })
  async get(@Param('id') rawId: string): Promise<AuditEntryDto> {
    const id = parseInput(auditEntryIdSchema, rawId);
    const entry = toAuditEntryDto(await this.query.get(RequestContextStore.requireTenantId(), id));
    await this.authorization.authorize('read', 'AuditEntry', { ...entry });
    return entry;
  }

  @Get('export')
  @Authorize('export', 'AuditEntry')
  @ApiOperation({ summary: 'Stream the matching entries as NDJSON (default) or CSV; the export is itself audited' })
  async export(@Query() raw: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const query = parseInput(auditExportSchema, raw);
    await this.authorization.authorize('export', 'AuditEntry');
    const tenantId = RequestContextStore.requireTenantId();
    const exported = await this.exporter.open(tenantId, query, await this.readable());
    response.status(200);
    response.setHeader('Content-Type', exported.contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${exported.filename}"`);
    response.setHeader('X-Audit-Export-Entry', exported.recordedAs.id);
    try {
      await pipeline(exported.stream, response);
    } catch (error) {
      // Headers are gone: the client sees a truncated download (no final newline / CSV row).
      this.logger.error(`Audit export ${exported.recordedAs.id} of tenant ${tenantId} ended early: ${(error as Error).message}`);
    }
  }

  @Post('verify')
  @HttpCode(200)
  @Authorize('verify', 'AuditEntry')
  @ApiOperation({ summary: 'Verify the tenant chain and checkpoints; names the first problem. Recorded as audit.verify' })
  async verify(): Promise<AuditVerification> {
    await this.authorization.authorize('verify', 'AuditEntry');
    const tenantId = RequestContextStore.requireTenantId();
    const result = await this.verifier.verify(tenantId);
    await this.log.append({
      tenantId,
      action: 'audit.verify',
      outcome: result.ok ? 'success' : 'failure',
      target: { type: 'AuditEntry' },
      reason: result.firstProblem?.message,
      details: {
        checkedEntries: result.checkedEntries,
        checkedCheckpoints: result.checkedCheckpoints,
        verifiedThrough: result.verifiedThrough,
        problem: result.firstProblem ? { kind: result.firstProblem.kind, seq: result.firstProblem.seq } : null,
      },
    });
    return result;
  }

  @Get('checkpoints')
  @Authorize('read', 'AuditCheckpoint')
  @ApiOperation({ summary: 'Signed checkpoints, newest first (cursor paging by seq)' })
  async checkpointList(@Query() raw: Record<string, unknown>): Promise<{ items: AuditCheckpointDto[]; nextCursor: string | null }> {
    const query = parseInput(auditCheckpointListSchema, raw);
    const rows = await this.checkpoints.list(RequestContextStore.requireTenantId(), query.cursor, query.limit + 1);
    const items = rows.slice(0, query.limit);
    return { items: items.map(toAuditCheckpointDto), nextCursor: rows.length > query.limit ? items[items.length - 1].seq.toString() : null };
  }

  @Post('checkpoints')
  @HttpCode(201)
  @Authorize('create', 'AuditCheckpoint')
  @ApiOperation({ summary: 'Sign the current chain head now (idempotent per head)' })
  async createCheckpoint(): Promise<AuditCheckpointDto> {
    await this.authorization.authorize('create', 'AuditCheckpoint');
    const tenantId = RequestContextStore.requireTenantId();
    const checkpoint = toAuditCheckpointDto(await this.checkpoints.create(tenantId));
    await this.log.append({
      tenantId,
      action: 'audit_checkpoint.create',
      outcome: 'success',
      target: { type: 'AuditCheckpoint', id: checkpoint.id },
      details: { seq: checkpoint.seq, hash: checkpoint.hash, keyId: checkpoint.keyId },
    });
    return checkpoint;
  }

  @Get('public-key')
  @Authorize('read', 'AuditCheckpoint')
  @ApiOperation({ summary: 'The Ed25519 public key checkpoints are signed with (SPKI PEM) and the trusted key ids' })
  publicKey(): { algorithm: 'Ed25519'; keyId: string; publicKeyPem: string; trustedKeyIds: string[] } {
    return { algorithm: 'Ed25519', keyId: this.checkpoints.keyId, publicKeyPem: this.checkpoints.publicKeyPem, trustedKeyIds: this.keyRing.keyIds };
  }

  /** The caller's read rules as a filter: an export or a list shows only entries it may read. */
  private async readable(): Promise<Prisma.AuditEntryWhereInput> {
    return (await this.authorization.accessibleWhere('read', 'AuditEntry')) as Prisma.AuditEntryWhereInput;
  }
}
