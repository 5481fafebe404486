// Demo credentials live in .dev/demo.json (git-ignored), made once, so restarts print the same ones.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";

const FILE = ".dev/demo.json";

export function demoSecrets() {
  const saved = existsSync(FILE) ? JSON.parse(readFileSync(FILE, "utf8")) : {};
  return {
    /** The saved value for `name`, or a new random one that is saved. */
    get(name, make = () => randomBytes(24).toString("base64url")) {
      if (!(name in saved)) {
        saved[name] = make();
        mkdirSync(".dev", { recursive: true });
        writeFileSync(FILE, JSON.stringify(saved, null, 2), { mode: 0o600 });
      }
      return saved[name];
    },
  };
}
