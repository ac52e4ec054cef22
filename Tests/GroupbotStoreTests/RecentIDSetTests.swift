@testable import GroupbotStore
import Testing

@Suite struct RecentIDSetTests {
    @Test func remembersAtLeastHalfTheCapacityAndNeverMore() {
        var set = RecentIDSet(capacity: 10, loaded: [100, 101])
        #expect(set.contains(100))
        for hash in UInt64(0)..<23 {
            set.insert(hash)
            #expect(set.count <= 10)
            // The most recent half of the capacity is always there.
            for recent in (hash >= 4 ? hash - 4 : 0)...hash { #expect(set.contains(recent)) }
        }
        #expect(!set.contains(100))  // the loaded generation went after two turnovers
        #expect(!set.contains(0))
    }
}
