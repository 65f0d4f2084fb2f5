"""Admin: every page renders; block states move only through the transition actions (gates apply)."""

import pytest
from django.urls import reverse

from orchestration import models
from orchestration.models import BlockEvent, Category, State, SupplierCheckRun

from .conftest import complete

pytestmark = pytest.mark.django_db

MODELS = [
    models.BuildProject, models.CapacityBlock, models.BomLine, models.BlockEvent, models.Supplier,
    models.SupplierMembership, models.SupplierCheckRun, models.FeedReview, models.Contract, models.ContractLine,
    models.Delivery, models.PromiseChange, models.DeliveryEvent, models.Alert,
]  # fmt: skip


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(user)
    return client


def test_every_changelist_and_change_page_renders(admin, program):
    models.Alert.objects.create(kind="new_slip", key="k", message="m")
    models.SupplierCheckRun.objects.create(supplier=program.suppliers["chips"], trigger="manual")
    for model in MODELS:
        name = f"admin:orchestration_{model._meta.model_name}"
        assert admin.get(reverse(f"{name}_changelist")).status_code == 200, model
        obj = model.objects.first()
        if obj is not None:
            assert admin.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200, model


def test_the_transition_action_goes_through_the_gates(admin, program):
    blocks = program.blocks
    complete(program, (Category.LAND, Category.BUILDINGS), blocks[0])
    url = reverse("admin:orchestration_capacityblock_changelist")

    response = admin.post(url, {"action": "move_to_site_ready", "_selected_action": [b.pk for b in blocks]},
                          follow=True)  # fmt: skip

    assert response.status_code == 200
    states = dict(models.CapacityBlock.objects.values_list("pk", "state"))
    assert states == {blocks[0].pk: State.SITE_READY, blocks[1].pk: State.PLANNED}
    assert BlockEvent.objects.get().source == "admin"
    assert any("not fully received" in str(m) for m in response.context["messages"])


def test_editing_block_facts_in_the_admin_is_recorded(admin, program):
    block = program.blocks[0]
    url = reverse("admin:orchestration_capacityblock_change", args=[block.pk])
    form = {"phase": 1, "mw": 50, "gpus": block.gpus, "planned_go_live": block.planned_go_live,
            "commissioning_days": 45, "power_available": "on",
            "bom_lines-TOTAL_FORMS": 0, "bom_lines-INITIAL_FORMS": 0, "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0}  # fmt: skip
    assert admin.post(url, form).status_code == 302
    event = BlockEvent.objects.get(block=block)
    assert event.kind == "facts" and event.data == {"power_available": [False, True]}

    assert admin.post(url, {**form, "grid_energised": "on"}).status_code == 302
    event = BlockEvent.objects.filter(block=block).latest("at")
    assert event.data == {"grid_energised": [False, True]} and event.source == "admin"
    assert "grid_energised" in admin.get(url).content.decode()


def test_run_check_now_queues_a_run(admin, program, django_capture_on_commit_callbacks):
    supplier = program.suppliers["chips"]
    supplier.feed_kind, supplier.feed_csv_dir = "csv_drop", "chips"
    supplier.save()
    url = reverse("admin:orchestration_supplier_changelist")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin.post(url, {"action": "run_check_now", "_selected_action": [supplier.pk]})
    assert SupplierCheckRun.objects.get(supplier=supplier).status == "queued"
    assert len(callbacks) == 1  # the task is enqueued only when the transaction commits


def test_the_admin_keeps_the_contract_rules_of_the_services(admin, program, site):
    from .conftest import make_program

    other = make_program(site, name="Another program", blocks=1)
    line = program.lines(Category.CHIPS)[0]
    url = reverse("admin:orchestration_contractline_change", args=[line.pk])
    form = {"contract": line.contract_id, "line_no": line.line_no, "item": line.item, "category": line.category,
            "quantity": line.quantity, "unit": line.unit, "unit_value": line.unit_value,
            "install_days": line.install_days, "blocks": [other.blocks[0].pk], "deliveries-TOTAL_FORMS": 0,
            "deliveries-INITIAL_FORMS": 0}  # fmt: skip
    gated = set(line.blocks.values_list("pk", flat=True))

    response = admin.post(url, form)

    assert response.status_code == 200 and "is not in project" in str(response.context["adminform"].form.errors)
    assert set(line.blocks.values_list("pk", flat=True)) == gated
    contract_page = admin.get(reverse("admin:orchestration_contract_change", args=[line.contract_id]))
    assert set(contract_page.context["adminform"].readonly_fields) >= {"supplier", "project"}
