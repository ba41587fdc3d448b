import { Injectable } from '@nestjs/common';
import { PrismaService } from '@strata/db';

export interface StoredGuardrailRule {
  id: string;
  name: string;
  kind: string;
  detector: string | null;
  pattern: string | null;
  flags: string;
  action: string;
  aliases: string[];
  enabled: boolean;
}

/**
 * The pipeline's read of a tenant's rules. The tenant is an argument: the pipeline is called with
 * it by the gateway facade (and refreshes its cache in the background, outside any request).
 */
@Injectable()
export class GuardrailRulesStore {
  constructor(private readonly prisma: PrismaService) {}

  rulesOf(tenantId: string): Promise<StoredGuardrailRule[]> {
    return this.prisma.guardrailRule.findMany({
      where: { tenantId },
      orderBy: { id: 'asc' },
      select: { id: true, name: true, kind: true, detector: true, pattern: true, flags: true, action: true, aliases: true, enabled: true },
    });
  }
}
