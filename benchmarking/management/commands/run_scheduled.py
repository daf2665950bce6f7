"""``manage.py run_scheduled [name ...]``: queue the calendar jobs that are due (schedule.py), for a
deployment that runs no ``run_jobs`` worker to do it in its housekeeping (run it from cron every
hour). A job already queued for its period is not queued again."""

from django.core.management.base import BaseCommand, CommandError

from benchmarking.schedule import enqueue_due_jobs, scheduled_jobs


class Command(BaseCommand):
    help = "排队已到期的定时任务（每个周期只排一次）。Queue the calendar jobs that are due, once per period."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="只排这些任务 / only these jobs")

    def handle(self, *args, names, **options):
        known = {job.name for job in scheduled_jobs()}
        unknown = sorted(set(names) - known)
        if unknown:
            # An error, so cron (or whoever runs it) sees the mistake: nothing is queued.
            raise CommandError(f"未知的定时任务：{', '.join(unknown)}（可用：{', '.join(sorted(known))}）")
        queued = enqueue_due_jobs(names=names or None)
        for line in queued:
            self.stdout.write(f"已排队：{line}")
        if not queued:
            self.stdout.write("没有到期且未排队的定时任务。")
