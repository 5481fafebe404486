import { errorResponse, renderPlainFault } from "../shared/fault";
import { contractRoutes } from "../shared/route";
import { publicDocumentContract } from "./contract";
import { serveJwks } from "./jwks";
import { serveMetadata } from "./metadata";

// The JWKS and the RFC 8414 metadata: nothing is validated; any other path is the plain 404.
const { app: publicDocumentRoutes, route } = contractRoutes(publicDocumentContract, {
  loadSchemas: () => import("./schema"),
  renderIssue: () => errorResponse(renderPlainFault("malformed_json")),
});
route("getJwks", serveJwks);
route("getServiceMetadata", serveMetadata());
route("getCprIssuerMetadata", serveMetadata("cpr"));
route("getUpiIssuerMetadata", serveMetadata("upi"));

export { publicDocumentRoutes };
