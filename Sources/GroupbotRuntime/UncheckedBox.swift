/// A value handed to another thread (a writer's, or the reading thread's jobs) and used there
/// one job at a time, never by its sender at the same time.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value

    init(_ value: Value) {
        self.value = value
    }
}
