def test_members_are_admitted(registry, hospital_admin, entity_ids):
    assert registry.entityCount() == 15
    assert registry.memberOf(hospital_admin)[0] == entity_ids["hospital"]
