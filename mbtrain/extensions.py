"""The Flask extensions, created unbound here and bound to the app in create_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from mbtrain import ratelimits  # noqa: F401 - registers the sqlite-file:// store with limits
from mbtrain.database import Base

# Objects stay loaded after commit: a view that commits its access-log row and then renders
# should not reload everything it already has.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
