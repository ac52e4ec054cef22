import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import Logging
import ServiceLifecycle

/// One instance of several `serve` processes on one PostgreSQL database (docs/scaling.md):
/// it logs the events it receives, runs the whole shared log through its engine, and hands
/// on the actions of the partitions it owns.
///
/// Runs as a service beside the HTTP server: the follower (reads the log, runs it) and the
/// coordinator (heartbeats and leases, handing partitions' work on, the clock's ticks, the
/// snapshots) are two loops of it.
package struct ClusterNode: Service {
    let settings: ServerConfiguration.ClusterSettings
    let store: ClusterStore
    let appender: ClusterAppender
    let host: EngineHost
    let outbound: Outbound
    let metrics: ServerMetrics
    let logger: Logger
    /// The rule files this instance runs (``RuleReloader/version(ofDirectory:)``), published
    /// with each heartbeat: an instance starting with other rules is refused.
    let rulesVersion: String

    /// How often the follower looks for new rows when it found none.
    static let pollMilliseconds: Int64 = 10
    /// How often the owned partitions' work is handed on.
    static let handOnMilliseconds: Int64 = 100
    /// How often the clock's owner logs a tick (timers fire on the log's time).
    static let tickMilliseconds: Int64 = 1_000

    package func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await follow() }
            group.addTask { await coordinate() }
        }
    }

    /// Reads the rows after the last one run and runs them, until shutdown.
    private func follow() async {
        var seq = await host.processedSeq
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let after = seq
                let rows = try await Blocking.run { try store.read(after: after, limit: 1_000) }
                if let last = rows.last {
                    await host.apply(rows)
                    seq = last.seq
                    continue
                }
            } catch {
                logger.error("cluster log: \(error)")
            }
            try? await Task.sleep(for: .milliseconds(Self.pollMilliseconds))
        }
    }

    /// Heartbeats, hands on the owned partitions' work, ticks the clock, until shutdown; then
    /// hands on what is left and gives the partitions back.
    private func coordinate() async {
        var owned: [Int: ClusterStore.PartitionState] = [:]
        var lastHeartbeat = ContinuousClock.now - .seconds(3_600)
        var lastTick = ContinuousClock.now
        let heartbeat = Duration.milliseconds(settings.heartbeatMilliseconds)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let beats = ContinuousClock.now - lastHeartbeat >= heartbeat
            await handOn(&owned, everyPartition: beats)  // at a heartbeat, every owned partition's mark moves
            if beats {
                lastHeartbeat = .now
                await beat(&owned)
            }
            if owned[0] != nil, ContinuousClock.now - lastTick >= .milliseconds(Self.tickMilliseconds) {
                lastTick = .now
                await tick()
            }
            try? await Task.sleep(for: .milliseconds(Self.handOnMilliseconds))
        }
        // Leaving: let the follower's last rows be handed on, then free the partitions.
        await handOn(&owned, everyPartition: true)
        do {
            try await Blocking.run { [store, settings] in try store.leave(instance: settings.instance) }
        } catch {
            logger.error("cluster: leaving: \(error)")
        }
    }

    /// One heartbeat: renews the leases, takes or gives back partitions, drops the work
    /// every partition's owner has handed on.
    private func beat(_ owned: inout [Int: ClusterStore.PartitionState]) async {
        let processed = await host.processedSeq
        // Only partitions whose work is all handed on may be given back.
        let releasable = Set(owned.values.filter { $0.emittedSeq >= processed }.map(\.id))
        do {
            let view = try await Blocking.run { [store, settings] in
                try store.heartbeat(instance: settings.instance, processedSeq: processed,
                                    leaseMilliseconds: settings.leaseMilliseconds, releasable: releasable, rulesVersion: rulesVersion)
            }
            let before = Set(owned.keys)
            owned = Dictionary(uniqueKeysWithValues: view.owned(by: settings.instance).map { ($0.id, $0) })
            let taken = Set(owned.keys).subtracting(before), given = before.subtracting(owned.keys)
            if !taken.isEmpty || !given.isEmpty {
                let counts = "took \(taken.count), gave \(given.count); \(view.liveInstances) instance(s) alive"
                logger.notice("cluster: \(settings.instance) owns \(owned.count) of \(store.partitions) partitions (\(counts))")
            }
            await host.drop(handedOn: Dictionary(uniqueKeysWithValues: view.partitions.map { ($0.id, $0.emittedSeq) }))
            await host.writeSnapshots(owned[0] == nil ? nil : saveSnapshot)
        } catch {
            logger.error("cluster heartbeat: \(error)")
        }
    }

    /// Hands on the work of the owned partitions that have some (or of all of them, moving
    /// their marks, with `everyPartition`), in one transaction. A partition whose epoch moved
    /// on was taken over: it is dropped from `owned` and its work stays for its new owner.
    private func handOn(_ owned: inout [Int: ClusterStore.PartitionState], everyPartition: Bool) async {
        let (work, upTo) = await host.work(after: owned.mapValues(\.emittedSeq))
        var parts: [ClusterStore.HandOn] = []
        for (partition, state) in owned {
            let entries = work[partition] ?? []
            guard upTo > state.emittedSeq, everyPartition || !entries.isEmpty else { continue }
            parts.append(ClusterStore.HandOn(partition: partition, epoch: state.epoch, upTo: upTo, entries: entries,
                                             deliveries: outbound.deliveries(for: entries.flatMap(\.actions))))
        }
        guard !parts.isEmpty else { return }
        do {
            let held = try await Blocking.run { [store, settings, parts] in try store.handOn(parts, owner: settings.instance) }
            var handedOn: [Int: Int64] = [:]
            for part in parts {
                guard held.contains(part.partition) else {
                    logger.notice("cluster: partition \(part.partition) was taken over; its work stays for its new owner")
                    owned[part.partition] = nil
                    continue
                }
                owned[part.partition]?.emittedSeq = part.upTo
                handedOn[part.partition] = part.upTo
                metrics.actionsOut(part.entries.flatMap(\.actions))
            }
            await host.drop(handedOn: handedOn)
        } catch {
            logger.error("cluster: handing on: \(error)")
        }
    }

    /// Saves a snapshot of the shared log's row `seq` and prunes what it makes unnecessary, in
    /// the background (the owner of partition 0 writes them).
    private var saveSnapshot: @Sendable (EngineSnapshot, Int64) -> Void {
        { [store, logger] snapshot, seq in
            let snapshot = SendableSnapshot(snapshot)
            Task.detached {
                do {
                    try await Blocking.run {
                        try store.saveSnapshot(snapshot.value, at: seq)
                        try store.prune()
                    }
                } catch {
                    logger.error("cluster snapshot: \(error)")
                }
            }
        }
    }

    /// Logs a tick at the wall clock's time: every instance's timers fire on it.
    private func tick() async {
        let now = WallClock().now
        let tick = Event(type: .tick, id: "tick:\(settings.instance):\(now.milliseconds)", time: now, utcOffsetSeconds: 0,
                         group: "", user: "")
        do {
            _ = try await appender.append([tick])
        } catch {
            logger.error("cluster tick: \(error)")
        }
    }
}

/// A snapshot handed to the background: a value of its own (see `Engine.snapshot()`), which
/// nothing else touches.
private struct SendableSnapshot: @unchecked Sendable {
    let value: EngineSnapshot

    init(_ value: EngineSnapshot) {
        self.value = value
    }
}
