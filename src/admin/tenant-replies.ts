import type { AppContext } from "../shared/env";
import type { TenantKind } from "../shared/tenants";
import { readTenant } from "./tenant-calls";
import type { TenantChanged, TenantSnapshot } from "./tenant-changes";
import { etagHeader } from "./versions";

type ReplyWith<View> = (view: View, headers: Record<string, string>) => Response;

/** A tenant's GET: its view with its `ETag`, or the route's 404. */
export async function replyTenant<View>(
  c: AppContext,
  reply: ReplyWith<View>,
  kind: TenantKind,
  id: string,
  viewOf: (snapshot: TenantSnapshot) => View,
  notFound: (c: AppContext, id: string) => Response,
): Promise<Response> {
  const snapshot = await readTenant(c, kind, id);
  return snapshot ? reply(viewOf(snapshot), etagHeader(snapshot.etag)) : notFound(c, id);
}

/** A key's PUT: the declared 201 for a new key, 200 when it replaced one of the same id. */
export function replyKeyPut<View extends object>(
  c: AppContext,
  reply: ReplyWith<View>,
  view: View,
  { snapshot, replaced }: TenantChanged,
): Response {
  const headers = etagHeader(snapshot!.etag);
  return replaced ? c.json(view, 200, headers) : reply(view, headers);
}
