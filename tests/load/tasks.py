"""The bare task the e-mail pipeline is compared with: send one e-mail, nothing else."""

from celery import shared_task
from django.core.mail import send_mail


@shared_task
def bench_send_one(to: str, subject: str) -> None:
    send_mail(subject, "A bare e-mail.", None, [to])
