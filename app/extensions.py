"""The one place that creates Flask extensions; `create_app` binds them to an app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from app.csrf import LinliCSRFProtect
from app.models.base import Base

#: When a session is bound to a connection that already has a transaction (the test suite's
#: per-test rollback), a commit releases a savepoint instead of ending that transaction.
db = SQLAlchemy(model_class=Base, session_options={"join_transaction_mode": "create_savepoint"})
migrate = Migrate(compare_type=True, render_as_batch=True)
babel = Babel()
login_manager = LoginManager()
csrf = LinliCSRFProtect()
#: Rate limits (sign-up per IP and per mobile number); storage from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address)
