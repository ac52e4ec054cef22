extension Engine {
    /// Runs a recorded event on a virtual clock: the clock moves to the event's
    /// time, the timers due by then fire in order, then the event is handled.
    /// Returns the timers' actions followed by the event's.
    package func replay(_ event: Event, on clock: VirtualClock) -> [Action] {
        clock.advance(to: event.time)
        return fireDueTimers() + handle(event)
    }
}
