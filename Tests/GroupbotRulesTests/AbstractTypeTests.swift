import GroupbotCore
import GroupbotRules
import Testing

/// `abstract: true`: a type file that only exists to be extended.
@Suite struct AbstractTypeTests {
    static let base = """
        abstract: true
        rules:
          - id: hello
            on: message
            when: { keywords: { any: [你好] } }
            actions: [{ reply: 你好呀 }]
        tests:
          - name: 打招呼
            event: { text: 你好 }
            expect: [{ action: send, rule: hello }]
        """

    @Test func anAbstractTypeIsNoGroupTypeButItsChildrenInheritAndItsTestsRun() throws {
        let loaded = try RuleBookLoader.loadWithTests(files: [
            ("rules/base.yaml", Self.base), ("rules/general.yaml", "extends: base\nrules: []\n"),
        ])
        #expect(loaded.book.groupTypeNames == ["general"])
        #expect(loaded.book.abstractTypes == ["base"])
        #expect(loaded.book.ruleCount == 1)
        #expect(loaded.tests.map(\.type) == ["base"])
        let harness = try Harness(["rules/base.yaml": Self.base, "rules/general.yaml": "extends: base\nrules: []\n"])
        #expect(harness.send("你好").map(\.rule) == ["hello"])
    }

    @Test func mappingGroupsToAnAbstractTypeIsAnError() {
        let errors = loadErrors([
            "rules/groups.yaml": "default: general\ngroups:\n  - { name: 测试, type: base }\n",
            "rules/base.yaml": Self.base, "rules/general.yaml": "extends: base\nrules: []\n",
        ])
        #expect(errors == ["rules/groups.yaml:3:23: 'base' is abstract: no group can be of it; expected a type that extends it: general"])
    }
}
