import GroupbotCore

/// The pipeline's clock: the events' own time (replay, and recovery after a
/// restart) or the wall clock, switchable once recovery is done.
final class PipelineClock: EngineClock {
    private let wall: any EngineClock
    private var virtualNow = Instant(milliseconds: 0)
    /// Whether `now` reads the wall clock.
    var usesWall: Bool

    init(usesWall: Bool, wall: any EngineClock) {
        self.usesWall = usesWall
        self.wall = wall
    }

    var now: Instant { usesWall ? wall.now : virtualNow }

    /// Moves the virtual time forward (never back).
    func advance(to instant: Instant) {
        if instant > virtualNow { virtualNow = instant }
    }
}
