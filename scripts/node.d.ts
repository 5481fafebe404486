// Stand-in for @types/node, which is not installed, for the Node-side files (tsconfig.node.json).
// The `node:` modules are declared untyped (what they export is `any`); the globals are typed as far as
// these files use them, with Node's meaning where the DOM lib (the web globals Node shares: fetch, URL,
// console, ...) has another. When @types/node is added: delete this file and set "types": ["node"].

declare module "node:child_process";
declare module "node:crypto";
declare module "node:fs";
declare module "node:module";
declare module "node:net";
declare module "node:os";
declare module "node:path";
declare module "node:url";
declare module "node:util";
declare module "node:zlib";

declare var process: {
  argv: string[];
  env: Record<string, string | undefined>;
  version: string;
  exit(code?: number): never;
  kill(pid: number, signal?: string | number): true;
  on(event: string, listener: () => void): unknown;
};

type BufferEncoding = "utf8" | "base64" | "base64url" | "hex" | "latin1";
interface Buffer extends Uint8Array {
  toString(encoding?: BufferEncoding): string;
}
declare var Buffer: {
  from(text: string, encoding?: BufferEncoding): Buffer;
  from(bytes: ArrayBuffer | Uint8Array | readonly number[]): Buffer;
  concat(list: readonly Uint8Array[]): Buffer;
};

/** Node's timer object (the DOM lib's `setTimeout` answers a number). */
interface NodeTimeout {
  ref(): NodeTimeout;
  unref(): NodeTimeout;
}
declare function setTimeout(callback: () => void, ms?: number): NodeTimeout;
declare function clearTimeout(timeout: NodeTimeout | undefined): void;
