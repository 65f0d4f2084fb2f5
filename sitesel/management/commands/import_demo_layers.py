from django.core.management.base import BaseCommand
from tqdm import tqdm

from sitesel.demo.layers import demo_layers_import
from sitesel.importing.errors import ImportFailed
from sitesel.management.commands._reporting import fail_with_report


class Command(BaseCommand):
    help = "Import every real layer shipped in fixtures/layers (safe to re-run: unchanged files are skipped)."

    def handle(self, *args, **options) -> None:
        bars: list[tqdm] = []

        def progress_factory(kind: str):
            bar = tqdm(desc=f"{kind:<26}", unit=" rows", disable=None, file=self.stderr._out, leave=False)
            bars.append(bar)
            return bar.update

        try:
            for result in demo_layers_import(progress_factory=progress_factory):
                for bar in bars:
                    bar.close()
                bars.clear()
                state = (
                    "unchanged"
                    if result.unchanged
                    else (
                        f"+{result.added} ~{result.changed} -{result.removed}"
                        + (f", {result.repaired} repaired" if result.repaired else "")
                        + (f", {len({s.row for s in result.skipped})} skipped" if result.skipped else "")
                    )
                )
                self.stdout.write(f"  {result.kind:<26} v{result.version:<3} {result.row_count:>7} rows  {state}")
        except ImportFailed as exc:
            fail_with_report(self, exc)
