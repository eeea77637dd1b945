import type { InputHTMLAttributes, ReactNode } from "react";
import { inputClass } from "./formClasses";

/** A labelled form control of fixed width, for forms that wrap their fields in rows. */
export function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="w-56">
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      {children}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange" | "className">;

/** An input (text, number, time…) in a Field; its id is also its test id. */
export function TextField({
  id,
  label,
  value,
  onChange,
  ...input
}: { id: string; label: string; value: string; onChange: (value: string) => void } & InputProps) {
  return (
    <Field id={id} label={label}>
      <input
        id={id}
        data-testid={id}
        className={inputClass}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        {...input}
      />
    </Field>
  );
}

/** One option of a SelectField; a bare string is its own label. */
export type Choice<T extends string> = T | { value: T; label: string; disabled?: boolean };

/** A select in a Field, from its choices; its id is also its test id. */
export function SelectField<T extends string>({
  id,
  label,
  value,
  onChange,
  choices,
}: {
  id: string;
  label: string;
  value: T;
  onChange: (value: T) => void;
  choices: readonly Choice<T>[];
}) {
  return (
    <Field id={id} label={label}>
      <select
        id={id}
        data-testid={id}
        className={inputClass}
        value={value}
        onChange={(event) => onChange(event.target.value as T)}
      >
        {choices.map((choice) => {
          const {
            value: option,
            label: text,
            disabled,
          } = typeof choice === "string" ? { value: choice, label: choice, disabled: false } : choice;
          return (
            <option key={option} value={option} disabled={disabled}>
              {text}
            </option>
          );
        })}
      </select>
    </Field>
  );
}
