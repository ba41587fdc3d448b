export function RoleList({ roles }: { roles: readonly string[] }) {
  if (!roles.length) return <span className="muted">none</span>;
  return (
    <span className="role-list">
      {roles.map((role) => (
        <span key={role} className="chip">
          {role}
        </span>
      ))}
    </span>
  );
}
