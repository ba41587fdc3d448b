/** Prisma's unique-constraint violation (P2002): a name already taken in the tenant. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}
