/** A 1×1 PNG. */
export const PNG_1X1 = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201e221bc330000000049454e44ae426082',
  'hex',
);

/** Uploads to POST /vectors/media as multipart/form-data, the way browsers and `curl -F` do. */
export async function uploadMedia<T>(
  base: string,
  key: string | undefined,
  file: { bytes: Buffer; name: string; type?: string } | null,
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], file.type ? { type: file.type } : {}), file.name);
  const response = await fetch(`${base}/vectors/media`, { method: 'POST', body: form, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}
