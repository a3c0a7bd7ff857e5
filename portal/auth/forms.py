"""Forms for logging in, registering, resetting a password and the account page."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

# Each message says what to do, beside the field it concerns.
PASSWORDS_DIFFER = "The two passwords differ: type the new password again in both fields."
NEED_EMAIL = DataRequired("Enter your email address, e.g. name@example.com.")
NEED_PASSWORD = DataRequired("Enter your password.")
NEED_NEW_PASSWORD = DataRequired("Choose a password of at least 10 characters.")
NEED_REPEAT = DataRequired("Type the new password again to confirm it.")
NEED_NAME = DataRequired("Enter your name as colleagues and support engineers should see it.")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[NEED_EMAIL, Length(max=254)])
    password = PasswordField("Password", validators=[NEED_PASSWORD, Length(max=200)])
    remember = BooleanField("Keep me logged in on this computer")


class RegistrationForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[
            NEED_EMAIL,
            Email("Enter an email address like name@example.com.", check_deliverability=False),
            Length(max=254),
        ],
    )
    name = StringField("Your name", validators=[NEED_NAME, Length(max=120)])
    password = PasswordField(
        "Password",
        validators=[NEED_NEW_PASSWORD, Length(max=200)],
        description="At least 10 characters; not your name or email.",
    )


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[NEED_EMAIL, Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[NEED_NEW_PASSWORD, Length(max=200)])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[NEED_REPEAT, EqualTo("password", message=PASSWORDS_DIFFER)],
    )


class ProfileForm(FlaskForm):
    name = StringField("Name", validators=[NEED_NAME, Length(max=120)])
    # Always has a zone chosen; no `required` in the markup, as a required select needs an
    # empty first option (the Nu checker) and a time zone has no "none".
    timezone = SelectField(
        "Time zone",
        validators=[DataRequired("Choose your time zone from the list.")],
        render_kw={"required": False},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password", validators=[DataRequired("Enter the password you log in with now.")]
    )
    password = PasswordField("New password", validators=[NEED_NEW_PASSWORD, Length(max=200)])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[NEED_REPEAT, EqualTo("password", message=PASSWORDS_DIFFER)],
    )
