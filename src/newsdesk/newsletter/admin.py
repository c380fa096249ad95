"""The newsletter in the admin: subscribers (states, filters, a preview of their next
digest and a test send), editions with their figures, deliveries, bounces and
complaints, and the local outbox."""

from django.contrib import admin, messages
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from newsdesk.newsletter.digest import preview
from newsdesk.newsletter.models import Delivery, Edition, MailEvent, OutboxMessage, Subscriber
from newsdesk.newsletter.subscriptions import STOPPED_STATES


def _edition_count(field: str, description: str):
    """A sortable admin column showing one of an edition's annotated delivery counts."""

    @admin.display(description=description, ordering=field)
    def column(self, edition):
        return getattr(edition, field)

    return column


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "state",
        "frequency",
        "breaking_alerts",
        "format",
        "language",
        "confirmed_at",
        "last_digest_at",
        "next_digest_at",
        "soft_bounces",
        "preview_link",
    )
    list_filter = (
        "state",
        "frequency",
        "breaking_alerts",
        "format",
        "language",
        "consent_source",
        "timezone",
    )
    search_fields = ("email",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "token_id",
        "created_at",
        "confirmed_at",
        "consent_form_version",
        "consent_token_id",
        "consent_source",
        "unsubscribed_at",
        "last_digest_at",
        "soft_bounces",
        "confirm_version",
    )
    filter_horizontal = ("topics", "publishers")

    def save_model(self, request, obj, form, change):
        """An editor who stops a subscription here retires its old confirm links too."""
        if change and "state" in form.changed_data and obj.state in STOPPED_STATES:
            obj.confirm_version += 1
        super().save_model(request, obj, form, change)

    @admin.display(description="Next digest")
    def preview_link(self, subscriber):
        url = reverse("admin:newsletter_subscriber_preview", args=[subscriber.pk])
        return format_html('<a href="{}">Preview</a>', url)

    def get_urls(self):
        return [
            path(
                "<int:subscriber_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="newsletter_subscriber_preview",
            ),
        ] + super().get_urls()

    def preview_view(self, request, subscriber_id):
        subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
        if subscriber is None:
            raise Http404(f"subscriber {subscriber_id} does not exist")
        digest = preview(subscriber)
        if request.method == "POST" and digest is not None:
            to = request.POST.get("to") or request.user.email
            if not to:
                messages.error(request, "Give an address to send the test to.")
            else:
                test = EmailMultiAlternatives(f"[Test] {digest.subject}", digest.text, to=[to])
                if digest.html:
                    test.attach_alternative(digest.html, "text/html")
                mailers.default.send_messages([test])
                messages.success(request, f"Test digest sent to {to}.")
            return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "subscriber": subscriber,
            "digest": digest,
            "title": f"Next digest for {subscriber.email}",
        }
        return TemplateResponse(request, "newsletter/admin/preview.html", context)


def _figure(state):
    return Count("deliveries", filter=Q(deliveries__state=state))


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "story",
        "state",
        "queued",
        "sent",
        "failed",
        "bounced",
        "skipped",
        "unsubscribed",
    )
    list_filter = ("frequency", "state")
    list_select_related = ("story",)
    raw_id_fields = ("story",)
    date_hierarchy = "slot"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_queued=_figure(Delivery.State.QUEUED) + _figure(Delivery.State.SENDING),
                n_sent=_figure(Delivery.State.SENT),
                n_failed=_figure(Delivery.State.FAILED),
                n_bounced=_figure(Delivery.State.BOUNCED),
                n_skipped=_figure(Delivery.State.SKIPPED),
                n_unsubscribed=Count(
                    "deliveries",
                    filter=Q(
                        deliveries__subscriber__state__in=[
                            Subscriber.State.UNSUBSCRIBED,
                            Subscriber.State.COMPLAINED,
                        ]
                    ),
                ),
            )
        )

    queued = _edition_count("n_queued", "Queued")
    sent = _edition_count("n_sent", "Sent")
    failed = _edition_count("n_failed", "Failed")
    bounced = _edition_count("n_bounced", "Bounced")
    skipped = _edition_count("n_skipped", "Nothing new")
    unsubscribed = _edition_count("n_unsubscribed", "Unsubscribed since")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("subscriber", "edition", "state", "story_count", "attempts", "sent_at", "error")
    list_filter = ("state", "edition")
    search_fields = ("subscriber__email", "message_id")
    list_select_related = ("subscriber", "edition")
    raw_id_fields = ("subscriber", "edition")
    readonly_fields = ("message_id", "story_ids", "claimed_by", "claimed_until")


@admin.register(MailEvent)
class MailEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "kind", "recipient", "source", "detail")
    list_filter = ("kind", "source")
    search_fields = ("recipient",)
    raw_id_fields = ("subscriber", "delivery")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The embedded default's sent mail: read it here (both bodies and the headers)."""

    list_display = ("created_at", "to", "subject")
    search_fields = ("to", "subject", "message_id")
    readonly_fields = (
        "created_at",
        "to",
        "from_email",
        "subject",
        "message_id",
        "headers_table",
        "text_body",
        "html_preview",
        "raw",
    )
    exclude = ("headers", "html_body")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Headers")
    def headers_table(self, message):
        if not message.headers:
            return "-"
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", message.headers.items())
        return format_html("<table>{}</table>", rows)

    @admin.display(description="HTML body")
    def html_preview(self, message):
        if not message.html_body:
            return "-"
        # A sandboxed frame: the mail's HTML cannot run scripts or reach the admin.
        return format_html(
            '<iframe sandbox srcdoc="{}" style="width:100%;height:480px;border:1px solid #ccc">'
            "</iframe>",
            message.html_body,
        )
