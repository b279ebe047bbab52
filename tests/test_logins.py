"""Staff sign-ins: locked after repeated failures, and a second factor when switched on."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Each sign-in hashes a password: the production hasher would make these tests slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor():
    return User.objects.create_user("ada", password="the-right-password", is_staff=True, is_superuser=True)


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/", **extra})


def test_the_right_password_signs_in(client, editor):
    response = sign_in(client, "ada", "the-right-password")

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_five_failures_lock_the_account_even_for_the_right_password(client, editor):
    for _ in range(4):
        refused = sign_in(client, "ada", "a-guess")
        assert refused.status_code == 200
        assert "Please enter the correct username and password" in refused.content.decode()

    fifth = sign_in(client, "ada", "another-guess")
    right_but_locked = sign_in(client, "ada", "the-right-password")

    for response in (fifth, right_but_locked):
        assert response.status_code == 429
        assert "Too many failed sign-ins" in response.content.decode()
        assert "15 minutes" in response.content.decode()
        assert response["Retry-After"] == str(15 * 60)
    assert client.get("/admin/").status_code == 302  # still signed out


def test_the_lock_is_per_account(client, editor):
    User.objects.create_user("grace", password="graces-password", is_staff=True)
    for _ in range(5):
        sign_in(client, "ada", "a-guess")

    assert sign_in(client, "grace", "graces-password").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, editor):
    for _ in range(5):
        sign_in(client, "ada", "a-guess")
    attempt = AccessAttempt.objects.get()
    AccessAttempt.objects.update(attempt_time=attempt.attempt_time - timedelta(minutes=16))

    assert sign_in(client, "ada", "the-right-password").status_code == 302


def test_a_success_forgets_earlier_failures(client, editor):
    for _ in range(4):
        sign_in(client, "ada", "a-guess")
    sign_in(client, "ada", "the-right-password")
    client.logout()

    for _ in range(4):
        sign_in(client, "ada", "a-guess")
    assert sign_in(client, "ada", "the-right-password").status_code == 302


class TestTwoFactor:
    @pytest.fixture(autouse=True)
    def two_factor(self, settings):
        settings.ADMIN_TWO_FACTOR = True

    @pytest.fixture
    def device(self, editor):
        return TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)

    def code(self, device):
        return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"

    def test_the_login_form_asks_for_a_code(self, client):
        assert 'name="otp_token"' in client.get(LOGIN).content.decode()

    def test_a_password_alone_is_not_enough(self, client, device):
        response = sign_in(client, "ada", "the-right-password")

        assert response.status_code == 200
        assert client.get("/admin/").status_code == 302

    def test_password_and_code_sign_in(self, client, device):
        code = self.code(device)

        response = sign_in(
            client, "ada", "the-right-password", otp_device=device.persistent_id, otp_token=code
        )

        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_a_wrong_code_is_refused(self, client, device):
        wrong = f"{(int(self.code(device)) + 1) % 1_000_000:06d}"

        response = sign_in(
            client, "ada", "the-right-password", otp_device=device.persistent_id, otp_token=wrong
        )

        assert response.status_code == 200
        assert client.get("/admin/").status_code == 302

    def test_a_session_without_the_second_factor_is_not_let_in(self, client, editor):
        client.force_login(editor)

        assert client.get("/admin/").status_code == 302

    def test_off_by_default(self, client, editor, settings):
        settings.ADMIN_TWO_FACTOR = False

        assert 'name="otp_token"' not in client.get(LOGIN).content.decode()
        assert sign_in(client, "ada", "the-right-password").status_code == 302
