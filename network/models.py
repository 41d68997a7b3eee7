"""People and institutions of the network: users, member institutions, their staff and
the steering circle."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.validators import validate_logo


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_network_office=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The email address is the login; there are no usernames."""

    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    name = models.CharField(_("Name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(
        _("Zugang zur Verwaltung"),
        default=False,
        help_text=_("Darf die Verwaltungsoberfläche öffnen."),
    )
    is_network_office = models.BooleanField(
        _("Geschäftsstelle"),
        default=False,
        help_text=_("Arbeitet für die Geschäftsstelle des Netzwerks."),
    )
    date_joined = models.DateTimeField(_("registriert am"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    # The network office runs the portal: in the admin it may do what a superuser may.
    def has_perm(self, perm, obj=None) -> bool:
        return (self.is_active and self.is_network_office) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return (self.is_active and self.is_network_office) or super().has_module_perms(app_label)


class District(models.TextChoices):
    OSTALBKREIS = "ostalbkreis", _("Ostalbkreis")
    HEIDENHEIM = "heidenheim", _("Landkreis Heidenheim")
    OUTSIDE = "outside", _("außerhalb der Region")


class InstitutionKind(models.TextChoices):
    DISTRICT = "district", _("Landkreis")
    EMPLOYMENT_AGENCY = "employment_agency", _("Agentur für Arbeit")
    JOB_CENTRE = "job_centre", _("Jobcenter")
    CHAMBER = "chamber", _("Kammer")
    UNION = "union", _("Gewerkschaft")
    EMPLOYERS_ASSOCIATION = "employers_association", _("Arbeitgeberverband")
    TRAINING_PROVIDER = "training_provider", _("Weiterbildungsträger")
    UNIVERSITY = "university", _("Hochschule")
    SCHOOL_QUALITY_CENTRE = "school_quality_centre", _("Zentrum für Schulqualität")
    ECONOMIC_DEVELOPMENT = "economic_development", _("Wirtschaftsförderung")
    SOCIAL_PARTNER_AGENCY = "social_partner_agency", _("Agentur der Sozialpartner")
    COMPANY = "company", _("Unternehmen")


class InstitutionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def members(self):
        """Institutions that take part in the network and appear in its directory."""
        return self.active().filter(is_network_member=True)

    def new_providers(self):
        """Institutions that have not yet published an offer or an event: their first
        publication waits for the network office."""
        return self.filter(first_published_at__isnull=True)


class Institution(models.Model):
    """A member institution ("Akteur") of the network, or a company that works with it."""

    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    slug = models.SlugField(_("Kurzadresse"), max_length=80, unique=True)
    kind = models.CharField(_("Art"), max_length=40, choices=InstitutionKind.choices)
    district = models.CharField(_("Landkreis"), max_length=20, choices=District.choices)
    description = models.TextField(
        _("Kurzbeschreibung"),
        max_length=1500,
        blank=True,
        help_text=_("Was die Einrichtung für Weiterbildung in der Region tut, in 2–5 Sätzen."),
    )
    street = models.CharField(_("Straße und Hausnummer"), max_length=120, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=5, blank=True)
    city = models.CharField(_("Ort"), max_length=80, blank=True)
    website = models.URLField(_("Website"), max_length=300, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    contact_person = models.CharField(_("Ansprechperson"), max_length=150, blank=True)
    logo = models.ImageField(
        _("Logo"),
        upload_to="logos/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG oder WebP, höchstens 2 MB."),
    )
    logo_alt = models.CharField(
        _("Alternativtext des Logos"),
        max_length=200,
        blank=True,
        help_text=_("Leer lassen, wenn das Logo nur den Namen zeigt."),
    )
    is_network_member = models.BooleanField(
        _("Mitglied des Netzwerks"),
        default=True,
        help_text=_("Mitglieder erscheinen im öffentlichen Mitgliederverzeichnis."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    joined_on = models.DateField(_("dabei seit"), null=True, blank=True)
    # Set by the publish services of offerings and events (network.services
    # .institution_mark_published), so that neither app reads the other's tables.
    first_published_at = models.DateTimeField(
        _("erste Veröffentlichung am"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Bis zur ersten Veröffentlichung eines Angebots oder einer Veranstaltung gilt die "
            "Einrichtung als neu; diese erste Veröffentlichung gibt die Geschäftsstelle frei."
        ),
    )
    # The SUPPLIER_ID its open-Q-cat files carry (issue 15): a file of another supplier is
    # refused (offerings.imports.jobs). Taken over from the first import once its admin
    # confirms it, or entered on the profile page.
    supplier_id = models.CharField(
        _("Anbieterkennung in open-Q-cat-Dateien"),
        max_length=100,
        blank=True,
        help_text=_(
            "Die Kennung (SUPPLIER_ID), mit der Ihre Software Ihre open-Q-cat-Dateien "
            "kennzeichnet, zum Beispiel Ihre KURSNET-Anbieternummer. Dateien mit einer anderen "
            "Kennung nehmen wir nicht an. Erscheint nicht öffentlich."
        ),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Einrichtung")
        verbose_name_plural = _("Einrichtungen")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "district"])]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier_id"],
                condition=~models.Q(supplier_id=""),
                name="institution_unique_supplier_id",
                violation_error_message=_(
                    "Diese Anbieterkennung ist bereits für eine andere Einrichtung hinterlegt."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:institution_detail", kwargs={"slug": self.slug})

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class ApprovalRequest(models.Model):
    """A new institution's first publication, waiting for the network office
    (network.selectors.institution_is_new_provider). Offers and events keep a table each
    (offerings.OfferApproval, events.EventApproval), with a one-to-one field to what waits."""

    requested_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("angefragt von"),
    )
    requested_at = models.DateTimeField(_("angefragt am"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["requested_at"]


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Administration")
    EDITOR = "editor", _("Redaktion")
    COUNSELLOR = "counsellor", _("Beratung")


class Membership(models.Model):
    """A person working for an institution in the portal, with one role there.

    Admins manage the institution's profile and colleagues, editors its offers, counsellors
    its counselling requests.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Person")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Einrichtung"),
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(_("seit"), auto_now_add=True)

    class Meta:
        verbose_name = _("Zugehörigkeit")
        verbose_name_plural = _("Zugehörigkeiten")
        ordering = ["institution__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"], name="membership_one_role_per_institution"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.institution} ({self.get_role_display()})"


class SteeringRole(models.TextChoices):
    CHAIR = "chair", _("Vorsitz")
    MEMBER = "member", _("Mitglied")


class SteeringCircleMember(models.Model):
    """A person in the steering circle ("Steuerkreis") and the institution they represent."""

    person = models.OneToOneField(
        User,
        on_delete=models.CASCADE,
        related_name="steering_membership",
        verbose_name=_("Person"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="steering_members",
        verbose_name=_("vertritt"),
    )
    role = models.CharField(
        _("Rolle"), max_length=20, choices=SteeringRole.choices, default=SteeringRole.MEMBER
    )
    since = models.DateField(_("seit"), default=timezone.localdate)

    class Meta:
        verbose_name = _("Mitglied des Steuerkreises")
        verbose_name_plural = _("Mitglieder des Steuerkreises")
        ordering = ["role", "institution__name"]

    def __str__(self) -> str:
        return f"{self.person} ({self.institution})"


class AccessibilityFeedback(models.Model):
    """A barrier someone reported through the accessibility statement's feedback form."""

    page_url = models.CharField(_("betroffene Seite"), max_length=500, blank=True)
    message = models.TextField(_("Beschreibung"), max_length=5000)
    email = models.EmailField(_("E-Mail-Adresse für Rückfragen"), blank=True)
    created_at = models.DateTimeField(_("eingegangen am"), auto_now_add=True)
    handled = models.BooleanField(_("erledigt"), default=False)

    class Meta:
        verbose_name = _("Rückmeldung zur Barrierefreiheit")
        verbose_name_plural = _("Rückmeldungen zur Barrierefreiheit")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y} – {self.message[:60]}"
