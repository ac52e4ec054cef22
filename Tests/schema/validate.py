#!/usr/bin/env python3
"""Validates rule files against groupbot's JSON Schema with an independent validator (python-jsonschema).

    python3 Tests/schema/validate.py type-schema.json mapping-schema.json rules/*.yaml
"""
import json, re, sys, glob, yaml, jsonschema

class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false (so a key named `on` stays a string), as editors read it."""

Yaml12Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != 'tag:yaml.org,2002:bool']
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'), list('tTfF'))

schema = json.load(open(sys.argv[1])); mapping = json.load(open(sys.argv[2]))
failed = 0
for path in sys.argv[3:]:
    document = yaml.load(open(path, encoding='utf-8'), Loader=Yaml12Loader)
    validator = jsonschema.Draft202012Validator(mapping if path.endswith(('groups.yaml', 'groups.yml')) else schema)
    for error in validator.iter_errors(document):
        failed += 1
        print(f"{path}: {'/'.join(map(str, error.path))}: {error.message}")
print(f"{len(sys.argv) - 3} files checked, {failed} problems")
sys.exit(1 if failed else 0)
