"""The engine's field rules and writes: neutral errors (field, code, params) out, no vendor wording."""
import pytest

from mockserver.engine import Collection, crud
from mockserver.engine.fields import FieldError, FieldRule, check_in_phases, limits, rule_of
from mockserver.engine.relations import Ref, delete_row
from mockserver.store import Store


def _as_tuples(errors):
    return [(e.field, e.code, e.params) for e in errors]


def test_limits_are_neutral_errors():
    rule = rule_of("bandwidth", {"type": "integer", "minimum": 0, "maximum": 2147483647})
    assert _as_tuples(limits(rule, 2147483648)) == [("bandwidth", "max_value", {"limit": 2147483647})]
    assert _as_tuples(limits(rule, -1)) == [("bandwidth", "min_value", {"limit": 0})]
    name = rule_of("name", {"type": "string", "maxLength": 3, "pattern": "^[a-z]+$", "x-pattern-message": "Letters."})
    assert _as_tuples(limits(name, "AB12")) == [("name", "pattern", {"message": "Letters."}),
                                                 ("name", "max_length", {"limit": 3, "length": 4})]


def test_phases_refuse_type_before_null_before_length_before_required():
    rules = {"a": FieldRule("a", "string", max_length=1), "b": FieldRule("b", "integer"),
             "c": FieldRule("c", "string", required=True)}

    def coerce(rule, value):
        if rule.kind == "integer" and not isinstance(value, int):
            raise FieldError(rule.name, "invalid", {"value": value})
        return value

    with pytest.raises(FieldError) as refused:
        check_in_phases(rules, {"a": None, "b": "x"}, coerce, creating=True)
    assert (refused.value.field, refused.value.code) == ("b", "invalid")
    with pytest.raises(FieldError) as refused:
        check_in_phases(rules, {"a": "long", "b": None}, coerce, creating=True)
    assert (refused.value.field, refused.value.code) == ("b", "null")
    with pytest.raises(FieldError) as refused:
        check_in_phases(rules, {"a": "long"}, coerce, creating=True)
    assert (refused.value.field, refused.value.code, refused.value.params) == ("a", "max_length",
                                                                               {"limit": 1, "length": 4})
    with pytest.raises(FieldError) as refused:
        check_in_phases(rules, {"a": "x"}, coerce, creating=True)
    assert (refused.value.field, refused.value.code) == ("c", "required")
    assert check_in_phases(rules, {"a": "x", "zz": 1}, coerce, creating=False) == {"a": "x"}


def test_create_with_a_taken_id_is_a_unique_error_and_writes_nothing():
    store = Store()
    store.load_seed({"api/things": [{"id": 1, "n": "a"}]})
    table = crud.Table(Collection(store, "api/things"), {"n": FieldRule("n", "string", has_default=True, default="z")},
                       lambda rule, value: value)
    with pytest.raises(FieldError) as refused:
        crud.prepare_create(table, {"id": 1}, "now")
    assert (refused.value.field, refused.value.code, refused.value.params) == ("id", "unique", {"value": 1})
    row = crud.commit_create(table.collection, crud.prepare_create(table, {}, "now"))
    assert row == {"id": 2, "n": "z"} and store.get("api/things", 1) == {"id": 1, "n": "a"}


class _Rows:
    """The smallest request view of a store the engine's relations need."""

    def __init__(self, store):
        self.store = store

    def collection(self, resource):
        return Collection(self.store, resource)

    def having(self, resource, field, value):
        return self.collection(resource).list(lambda r: r.get(field) == value)[1]

    def where(self, resource, where):
        return self.collection(resource).list(where)[1]

    def changed(self):
        pass


def test_delete_cascades_and_forgets_references():
    store = Store()
    store.load_seed({"sites": [{"id": 1}], "queues": [{"id": 7, "site": 1}],
                     "spaces": [{"id": 3, "sites": [1, 2]}, {"id": 4, "sites": [2]}]})
    references = {"spaces": {"sites": Ref("sites", many=True)}}
    delete_row(_Rows(store), "sites", 1, lambda r: (("queues", "site"),) if r == "sites" else (), references)
    assert store.get("sites", 1) is None and store.get("queues", 7) is None
    assert store.get("spaces", 3)["sites"] == [2] and store.get("spaces", 4)["sites"] == [2]
