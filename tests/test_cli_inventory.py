# SPDX-License-Identifier: GPL-3.0-or-later
"""`bhmis import medicines` as the catalogue's administrator uses it."""
import pytest

from tests.conftest import copy_instance

HEADER = ("code,generic_name,strength,dosage_form,unit,category,essential,"
    "tracer,cold_chain\n")


def medicine(code, name="Paracetamol", form='tablet', unit='tab',
        category='ANALGESIC', essential='yes'):
    return "%s,%s,500 mg,%s,%s,%s,%s,no,no\n" % (
        code, name, form, unit, category, essential)


@pytest.fixture(scope='module')
def inventory(tmp_path_factory, initialised_template):
    "An initialised database"
    inst = copy_instance(tmp_path_factory, 'cli_inventory',
        initialised_template)
    yield inst
    inst.drop()


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding='utf-8')
    return str(path)


def test_import_broken_csv_writes_nothing(inventory, tmp_path):
    good = medicine('BR-1') + medicine('BR-2', form='capsule', unit='cap')
    broken = (medicine('BR-3', essential='sometimes')
        + medicine('BR-4', category='ONCOLOGY')
        + medicine('BR-5', form='powder')
        + medicine('BR-1')
        + medicine(''))
    result = inventory.bhmis('import', 'medicines',
        write(tmp_path, 'bad.csv', HEADER + good + broken), check=False)
    assert result.returncode == 1, result.stdout
    assert 'nothing was written' in result.stderr
    for expected in [
            "row 4, column essential: 'sometimes' is not yes or no",
            "row 5, column category: unknown therapeutic category "
            "'ONCOLOGY'",
            "row 6, column dosage_form: unknown value 'powder'",
            "row 7, column code: code BR-1 is already on row 2",
            "row 8, column code: is required",
            ]:
        assert expected in result.stderr
    again = inventory.bhmis('import', 'medicines',
        write(tmp_path, 'good.csv', HEADER + good))
    assert '2 medicines created, 0 updated' in again.stdout, \
        "nothing of the broken file was written"


def test_reimport_updates(inventory, tmp_path):
    rows = "".join(medicine('RE-%s' % n) for n in range(1, 6))
    path = write(tmp_path, 'medicines.csv', HEADER + rows)
    first = inventory.bhmis('import', 'medicines', path)
    assert '5 medicines created, 0 updated' in first.stdout
    second = inventory.bhmis('import', 'medicines', path)
    assert '0 medicines created, 5 updated' in second.stdout


def test_import_missing_file(inventory, tmp_path):
    result = inventory.bhmis('import', 'medicines',
        str(tmp_path / 'none.csv'), check=False)
    assert result.returncode == 1
    assert 'no such file' in result.stderr
