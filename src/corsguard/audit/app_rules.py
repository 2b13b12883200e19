"""Rules over an app's CORS setup (CG4xx), and its CORS options checked like a CORSPolicy (CG1xx).

The options of a Starlette/FastAPI CORSMiddleware are validated by ``corsguard.policy.validate``,
so a mistake gets the code and wording ``CORSPolicy`` would give it; where Starlette's behaviour
differs from corsguard's refusal, the message says what Starlette does with it instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from corsguard.audit.introspect import AppNode, Layer
from corsguard.audit.route_walk import FRAMEWORK_ROUTES
from corsguard.codes import Code
from corsguard.codes import audit as codes
from corsguard.codes import policy as policy_codes
from corsguard.findings import Finding

# Middleware that never answers a request itself, so running before CORS changes nothing.
TRANSPARENT = frozenset(
    {
        "GZipMiddleware",
        "ProxyHeadersMiddleware",
        "SentryAsgiMiddleware",
        "OpenTelemetryMiddleware",
        "ExceptionTelemetryMiddleware",
    }
)
# Names that mark a middleware which rejects requests without credentials (preflights have none).
GATEKEEPERS = (
    "auth",
    "session",
    "login",
    "jwt",
    "token",
    "keycloak",
    "permission",
    "csrf",
    "limit",
)


def audit_app(target: str, root: AppNode) -> list[Finding]:
    """Every configuration and setup finding for the app described by ``root``."""
    findings: list[Finding] = []
    any_cors = any(node.cors_layers for node in root.walk())
    if not any_cors:
        findings.append(
            _finding(
                codes.NO_CORS,
                target,
                f"{target}: no CORS middleware found, so every cross-origin call is blocked "
                "and preflights are answered 405",
            )
        )
    findings += _walk(target, root, outer_cors=0, any_cors=any_cors)
    no_routes = _no_routes(target, root)
    if no_routes is not None:
        findings.append(no_routes)
    return findings


def _no_routes(target: str, root: AppNode) -> Finding | None:
    """Nothing to request is a finding of its own: an audit that checked nothing found nothing."""
    routes = [
        route for node in root.walk() for route in node.routes if route.name not in FRAMEWORK_ROUTES
    ]
    if routes:
        return None
    skipped = sorted({kind for node in root.walk() for kind in node.skipped})
    why = f"; the router holds entries it could not follow: {', '.join(skipped)}" if skipped else ""
    return _finding(
        codes.NO_ROUTES,
        target,
        f"{target}: no route found in the app (documentation routes aside), so no request "
        f"could be checked{why}",
        skipped=skipped,
    )


def _walk(target: str, node: AppNode, *, outer_cors: int, any_cors: bool) -> list[Finding]:
    where = target if node.label == "app" else f"{target} {node.label}"
    found: list[Finding] = []
    for layer in node.cors_layers:
        found += _option_findings(where, layer)
    found += _order_findings(where, node)
    covered = outer_cors + len(node.cors_layers)
    if covered > 1 and node.cors_layers:
        found.append(
            _finding(
                codes.CORS_TWICE,
                where,
                f"{where}: requests here pass {covered} CORS layers, so responses carry "
                "Access-Control-Allow-Origin twice and browsers reject them",
            )
        )
    if covered == 0 and node.routes and any_cors:
        # The app's own routes, not the documentation FastAPI adds, unless that is all there is.
        own = [route for route in node.routes if route.name not in FRAMEWORK_ROUTES]
        named = own or list(node.routes)
        found.append(
            _finding(
                codes.MOUNT_WITHOUT_CORS,
                where,
                f"{where}: {len(named)} route(s) here, e.g. {named[0].path}, are "
                "reached without any CORS layer; CORS is installed only on other parts of the app",
            )
        )
    found += _route_findings(where, node, covered)
    for child in node.children:
        found += _walk(target, child, outer_cors=covered, any_cors=any_cors)
    return found


# -- CORS options ---------------------------------------------------------------------------------


def _option_findings(where: str, layer: Layer) -> list[Finding]:
    setup = layer.cors
    if setup is None:
        return []
    if setup.implementation == "unknown":
        return [
            _finding(
                codes.CORS_UNSUPPORTED,
                where,
                f"{where}: {layer.name} is a CORS middleware whose options corsguard cannot read",
            )
        ]
    if setup.implementation == "corsguard":
        # A corsguard policy was validated when it was built; only its warnings remain.
        warnings = getattr(setup.policy, "warnings", ())
        return [_located(p.to_finding(), where, layer) for p in warnings]

    from corsguard.policy import validate

    errors, warnings = validate(**setup.options)
    origins = setup.options.get("allow_origins", ())
    origins = [origins] if isinstance(origins, str) else list(origins)
    patterns = {
        f"allow_origins[{i}]": entry
        for i, entry in enumerate(origins)
        if isinstance(entry, str) and "*" in entry and entry.strip() != "*"
    }
    found = [
        _starlette_finding(where, layer, problem.to_finding())
        for problem in errors + warnings
        # corsguard reads these entries as patterns; Starlette never matches them (CG410).
        if problem.option not in patterns
    ]
    for option, entry in patterns.items():
        found.append(
            _finding(
                codes.STARLETTE_LITERAL_PATTERN,
                f"{where} {layer.name}({option})",
                f"{option}: {entry!r} is compared literally by starlette's CORSMiddleware, so "
                "it never matches any origin",
                option=option,
                value=entry,
            )
        )
    return found


def _starlette_finding(where: str, layer: Layer, finding: Finding) -> Finding:
    """The policy's finding, plus what Starlette does with the value where corsguard refuses it."""
    message = finding.message
    if finding.code == policy_codes.WILDCARD_WITH_CREDENTIALS.code:
        message += (
            "; starlette's CORSMiddleware does not refuse it, it echoes every request's Origin "
            "back with Access-Control-Allow-Credentials: true"
        )
    return _located(replace(finding, message=message), where, layer)


def _located(finding: Finding, where: str, layer: Layer) -> Finding:
    option = finding.location or "options"
    return replace(finding, location=f"{where} {layer.name}({option})")


# -- middleware order -----------------------------------------------------------------------------


def _order_findings(where: str, node: AppNode) -> list[Finding]:
    cors = next((i for i, layer in enumerate(node.layers) if layer.kind == "cors"), None)
    if cors is None:
        return []
    found: list[Finding] = []
    cors_name = node.layers[cors].name
    for layer in node.layers[:cors]:
        if layer.kind != "middleware" or layer.name in TRANSPARENT:
            continue
        gatekeeper = any(word in layer.name.lower() for word in GATEKEEPERS)
        effect = (
            "rejects the browser's preflight, which never carries cookies or Authorization, "
            "before CORS can answer it (401/403 without CORS headers)"
            if gatekeeper
            else "sees every request before CORS, and any response it produces itself has no "
            "CORS headers"
        )
        how = "wraps the app outside" if layer.wrapper else "was added after"
        found.append(
            _finding(
                codes.CORS_NOT_OUTERMOST,
                f"{where} {layer.name}",
                f"{where}: {layer.name} {how} {cors_name}, so it runs first and {effect}",
                severity_down=not gatekeeper,
                middleware=layer.name,
                source=layer.source,
                module=layer.module,
            )
        )
    if not node.layers[cors].wrapper and any(
        layer.kind == "errors" for layer in node.layers[:cors]
    ):
        found.append(
            _finding(
                codes.ERRORS_WITHOUT_CORS,
                f"{where} {cors_name}",
                f"{where}: {cors_name} sits inside ServerErrorMiddleware, so the 500 answer to "
                "any unhandled exception carries no CORS headers and the browser reports a "
                "CORS error instead of the error",
            )
        )
    return found


# -- routes ---------------------------------------------------------------------------------------


def _route_findings(where: str, node: AppNode, covered: int) -> Iterator[Finding]:
    yield from _option_route_findings(where, node, covered)
    redirected = _redirected_routes(node)
    if not redirected:
        return
    # One cause (redirect_slashes with routes declared with a slash): one finding, every path.
    paths = list(redirected)
    first = paths[0]
    twin = first[:-1]
    more = len(paths) - 1
    also = f"; the same for {more} more route(s): {', '.join(paths[1:])}" if more else ""
    yield _finding(
        codes.SLASH_REDIRECT,
        f"{where} {first}" + (f" (+{more} more)" if more else ""),
        f"{where} route {first}: a call to {twin} is answered 307 with a Location built from "
        "the request's scheme; a redirected preflight fails, and behind a TLS proxy the "
        f"redirect to http:// is blocked as mixed content{also}",
        route=first,
        routes=paths,
        methods=sorted({m for methods in redirected.values() for m in methods}),
        source=next(r.source for r in node.routes if r.path == first),
    )


def _redirected_routes(node: AppNode) -> dict[str, set[str]]:
    """Routes declared with a trailing slash whose other spelling redirect_slashes answers."""
    if not node.redirect_slashes:
        return {}
    paths = {route.path for route in node.routes}
    found: dict[str, set[str]] = {}
    for route in node.routes:
        if (
            not route.websocket
            and route.path.endswith("/")
            and route.path != "/"
            and "{" not in route.path
            and route.path[:-1] not in paths
        ):
            found.setdefault(route.path, set()).update(route.methods)
    return found


def _option_route_findings(where: str, node: AppNode, covered: int) -> Iterator[Finding]:
    for route in node.routes:
        if route.websocket:
            continue
        user_options = "OPTIONS" in route.methods and route.name not in ("", "preflight")
        if user_options:
            message = (
                f"{where} route {route.path}: the OPTIONS handler {route.name}() never runs "
                "for preflights, because the CORS middleware answers them first"
                if covered
                else f"{where} route {route.path}: the OPTIONS handler {route.name}() answers "
                "preflights itself, outside any CORS policy"
            )
            yield _finding(
                codes.OPTIONS_ROUTE,
                f"{where} {route.path}",
                message,
                severity_up=not covered,
                route=route.path,
                source=route.source,
            )


def _finding(
    code: Code,
    location: str,
    message: str,
    *,
    severity_down: bool = False,
    severity_up: bool = False,
    **evidence: object,
) -> Finding:
    severity = code.severity
    if severity_down:
        severity = type(severity)(max(severity - 1, 0))
    if severity_up:
        severity = type(severity)(min(severity + 1, 4))
    return Finding(code.code, severity, message, code.fix, location, dict(evidence))
