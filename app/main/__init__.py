from app.main.views import main_bp

__all__ = ["main_bp"]
