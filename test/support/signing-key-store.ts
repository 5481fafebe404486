import { env } from "cloudflare:workers";
import { forgetSigningKeyRing } from "../../src/shared/signing-key-ring";

/**
 * An env whose signing key store is a fresh object of its own (the real class, another name), so a
 * test can drive a whole key life without meeting the store other tests of the file share. The
 * isolate's ring cache is dropped, since it does not know which store it came from.
 */
export function envWithOwnKeyStore(changes: Partial<Env> = {}): Env {
  const suffix = crypto.randomUUID();
  const namespace = env.SIGNING_KEY_STORE;
  const store = {
    getByName: (name: string) => namespace.getByName(`${name}|${suffix}`),
  } as unknown as Env["SIGNING_KEY_STORE"];
  forgetSigningKeyRing();
  return { ...env, SIGNING_KEY_STORE: store, ...changes };
}

/** The fresh store of `envWithOwnKeyStore`, for direct calls with an injected `now`. */
export function storeOf(testEnv: Env) {
  return testEnv.SIGNING_KEY_STORE.getByName("signing-keys");
}
