"""The network's bodies (four working groups and the steering circle), who takes part in
them, and their work: meetings, minutes with decisions and attachments, action items and
measures."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.storage import private_files


class BodyKind(models.TextChoices):
    WORKING_GROUP = "working_group", _("Arbeitsgruppe")
    STEERING_CIRCLE = "steering_circle", _("Steuerkreis")


# Paths under /arbeitsgruppen/ that are pages of their own, so no body may take them.
RESERVED_SLUGS = {"suche", "meine-aufgaben", "uebersicht", "zusammenfassung"}


class WorkingGroup(models.Model):
    """A body of the network: one of the working groups ("Arbeitsgruppen"), each devoted to
    one audience, or the steering circle ("Steuerkreis").

    The steering circle's members are `network.SteeringCircleMember` rows, not
    `WorkingGroupMember` rows: it is one body among the others for meetings and minutes,
    but its membership already has a home.
    """

    slug = models.SlugField(_("Kurzadresse"), max_length=60, unique=True)
    kind = models.CharField(
        _("Art"), max_length=20, choices=BodyKind.choices, default=BodyKind.WORKING_GROUP
    )
    name = models.CharField(_("Name"), max_length=150)
    audience = models.CharField(_("Zielgruppe"), max_length=200)
    purpose = models.TextField(_("Worum es geht"), max_length=2000)
    lead_institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_working_groups",
        verbose_name=_("federführende Einrichtung"),
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Arbeitsgruppe")
        verbose_name_plural = _("Arbeitsgruppen")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workgroups:group_detail", kwargs={"slug": self.slug})

    def get_internal_url(self) -> str:
        return reverse("workgroups:group_internal", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("Diese Kurzadresse ist vergeben.")})

    @property
    def is_steering_circle(self) -> bool:
        return self.kind == BodyKind.STEERING_CIRCLE


class GroupRole(models.TextChoices):
    LEAD = "lead", _("Leitung")
    DEPUTY = "deputy", _("Stellvertretung")
    MEMBER = "member", _("Mitglied")


class WorkingGroupMember(models.Model):
    """A person in a working group, with the institution they represent there."""

    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("Gruppe"),
        limit_choices_to={"kind": BodyKind.WORKING_GROUP},
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_memberships",
        verbose_name=_("Person"),
    )
    institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.PROTECT,
        related_name="group_members",
        verbose_name=_("vertritt"),
    )
    role = models.CharField(
        _("Rolle"), max_length=10, choices=GroupRole.choices, default=GroupRole.MEMBER
    )

    class Meta:
        verbose_name = _("Mitglied einer Arbeitsgruppe")
        verbose_name_plural = _("Mitglieder der Arbeitsgruppen")
        ordering = ["group", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="one_membership_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.group} ({self.get_role_display()})"


# --- meetings ---------------------------------------------------------------------------


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")


class Meeting(models.Model):
    """A meeting of one body: when, where (a place, an online link or both), the agenda."""

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("Gremium")
    )
    title = models.CharField(_("Titel"), max_length=200)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    location = models.CharField(_("Ort"), max_length=300, blank=True)
    online_url = models.URLField(_("Link zur Online-Teilnahme"), max_length=500, blank=True)
    agenda = models.TextField(_("Tagesordnung"), max_length=20_000, blank=True)
    # Raised on every change, so calendar programs replace the invitation they hold.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%d.%m.%Y})"

    def get_absolute_url(self) -> str:
        return reverse("workgroups:meeting_detail", kwargs={"slug": self.group.slug, "pk": self.pk})


class Attendance(models.TextChoices):
    YES = "yes", _("Ich komme")
    NO = "no", _("Ich komme nicht")
    MAYBE = "maybe", _("Ich weiß es noch nicht")


class MeetingReply(models.Model):
    """A member's answer to a meeting's invitation."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="replies", verbose_name=_("Sitzung")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_replies",
        verbose_name=_("Person"),
    )
    answer = models.CharField(_("Antwort"), max_length=10, choices=Attendance.choices)
    updated_at = models.DateTimeField(_("geantwortet am"), auto_now=True)

    class Meta:
        verbose_name = _("Zusage oder Absage")
        verbose_name_plural = _("Zusagen und Absagen")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="one_reply_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_answer_display()}"


# --- minutes ----------------------------------------------------------------------------


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("veröffentlicht")


class Minutes(models.Model):
    """The minutes of one meeting, written in Markdown by the body's lead or deputy.

    Only published minutes reach the members; every save after publishing is kept as a
    `MinutesVersion`.
    """

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("Sitzung")
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    text = models.TextField(_("Protokoll"), max_length=100_000, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("anwesend")
    )
    guests = models.CharField(_("Gäste"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("Protokoll")
        verbose_name_plural = _("Protokolle")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_published(self) -> bool:
        return self.status == MinutesStatus.PUBLISHED


class Decision(models.Model):
    """A decision recorded in the minutes, numbered in their order."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("Protokoll")
    )
    number = models.PositiveSmallIntegerField(_("Nummer"))
    text = models.TextField(_("Beschluss"), max_length=2000)

    class Meta:
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="decision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class MinutesVersion(models.Model):
    """The state of published minutes after one save: who saved it and when."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="versions", verbose_name=_("Protokoll")
    )
    number = models.PositiveIntegerField(_("Version"))
    text = models.TextField(_("Protokoll"))
    decisions = models.JSONField(_("Beschlüsse"), default=list)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("gespeichert von"),
    )
    created_at = models.DateTimeField(_("gespeichert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Protokollversion")
        verbose_name_plural = _("Protokollversionen")
        ordering = ["minutes", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.minutes} – Version {self.number}"


class Attachment(models.Model):
    """A file attached to minutes. Stored outside the public paths, served by a view that
    checks access; `content_type` is what the content turned out to be, not what the name
    or the browser claimed."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Protokoll")
    )
    file = models.FileField(_("Datei"), storage=private_files, upload_to="minutes/%Y/%m/")
    name = models.CharField(_("Dateiname"), max_length=200)
    content_type = models.CharField(_("Dateityp"), max_length=120)
    size = models.PositiveIntegerField(_("Größe in Bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")
        ordering = ["minutes", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


# --- action items and measures ------------------------------------------------------------


class ActionStatus(models.TextChoices):
    OPEN = "open", _("offen")
    IN_PROGRESS = "in_progress", _("in Arbeit")
    DONE = "done", _("erledigt")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATUSES)


class ActionItem(models.Model):
    """Something a body agreed to do: what, who (a person, an institution or both), by when."""

    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("Gremium"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("aus der Sitzung"),
    )
    title = models.CharField(_("Was ist zu tun?"), max_length=300)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("Person"),
    )
    assignee_institution = models.ForeignKey(
        "network.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("Einrichtung"),
    )
    due_date = models.DateField(_("fällig am"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("Aufgabe")
        verbose_name_plural = _("Aufgaben")
        ordering = [models.F("due_date").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.is_open and self.due_date and self.due_date < timezone.localdate())


class MeasureStatus(models.TextChoices):
    IDEA = "idea", _("Idee")
    PLANNED = "planned", _("geplant")
    RUNNING = "running", _("läuft")
    COMPLETED = "completed", _("abgeschlossen")


class Measure(models.Model):
    """A project ("Maßnahme") a body develops: its goal, target group, who is responsible,
    where it stands, and the catalogue offers it led to."""

    group = models.ForeignKey(
        WorkingGroup, on_delete=models.CASCADE, related_name="measures", verbose_name=_("Gremium")
    )
    title = models.CharField(_("Titel"), max_length=200)
    goal = models.TextField(_("Ziel"), max_length=3000)
    target_group = models.CharField(_("Zielgruppe"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_measures",
        verbose_name=_("verantwortlich"),
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.IDEA
    )
    is_public = models.BooleanField(
        _("öffentlich zeigen"),
        default=False,
        help_text=_("Veröffentlichte Maßnahmen erscheinen auf der öffentlichen Seite der Gruppe."),
    )
    result = models.TextField(
        _("Öffentliches Ergebnis"),
        max_length=3000,
        blank=True,
        help_text=_("Was die Maßnahme erreicht hat, in wenigen Sätzen für die Öffentlichkeit."),
    )
    offers = models.ManyToManyField(
        "offerings.Offer",
        blank=True,
        related_name="measures",
        verbose_name=_("verknüpfte Kursangebote"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["group", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workgroups:measure_detail", kwargs={"slug": self.group.slug, "pk": self.pk})


class Milestone(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("Maßnahme")
    )
    title = models.CharField(_("Meilenstein"), max_length=200)
    due_date = models.DateField(_("geplant für"), null=True, blank=True)
    done = models.BooleanField(_("erreicht"), default=False)

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["measure", models.F("due_date").asc(nulls_last=True), "pk"]

    def __str__(self) -> str:
        return self.title


# --- mail preferences -----------------------------------------------------------------------


class DigestPreference(models.Model):
    """Which periodic mails a person of the bodies wants. No row means the defaults (both
    on): a row is written the first time someone changes a setting or uses the one-click
    unsubscribe link of a digest (workgroups.digest.services, steering.summary)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_preference",
        verbose_name=_("Person"),
    )
    workgroup_digest = models.BooleanField(
        _("Wochenübersicht der Arbeitsgruppen"),
        default=True,
        help_text=_("Neue Protokolle, kommende Sitzungen und eigene Aufgaben, einmal pro Woche."),
    )
    steering_summary = models.BooleanField(
        _("Wochenbericht des Steuerkreises"),
        default=True,
        help_text=_("Was sich in der Woche im Netzwerk getan hat (nur Steuerkreis)."),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("E-Mail-Einstellung")
        verbose_name_plural = _("E-Mail-Einstellungen")

    def __str__(self) -> str:
        return str(self.person)
