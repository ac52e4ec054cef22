import Hummingbird
import Logging

/// Logs one line per request (method, path, status, milliseconds, with the request's
/// id in the metadata) and records its duration for `/metrics`.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: Int(response.status.code), since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context: context, status: Int(status), since: start, reason: "\(error)")
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, since start: ContinuousClock.Instant, reason: String? = nil) {
        let elapsed = ContinuousClock.now - start
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        // Unknown paths share one label, so random URLs cannot grow the metrics without bound.
        let route = ServerRoutes.known.contains(request.uri.path) ? request.uri.path : "other"
        metrics.request(route: route, status: status, nanoseconds: nanoseconds)
        guard context.logger.logLevel <= .info else { return }  // the line would be dropped: build nothing
        var metadata: Logger.Metadata = ["status": "\(status)", "ms": "\(Double(nanoseconds / 1_000) / 1_000)"]
        if let reason { metadata["reason"] = "\(reason)" }
        context.logger.info("\(request.method) \(request.uri.path)", metadata: metadata)
    }
}
